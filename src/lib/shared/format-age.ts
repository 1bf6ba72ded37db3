/** `just now`, `5 min ago`, `2 h ago`, `3 d ago`: how long ago something happened. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 45_000) return 'just now';
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

/** `next in 4 min`, `next in 2 h`, `next in under a minute`, or `due now` once the time has come: how long until something is due. */
export function formatNextIn(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return 'due now';
  if (ms < 45_000) return 'next in under a minute';
  if (ms < 3_600_000) return `next in ${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `next in ${Math.round(ms / 3_600_000)} h`;
  return `next in ${Math.round(ms / 86_400_000)} d`;
}
