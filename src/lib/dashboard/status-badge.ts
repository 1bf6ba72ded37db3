import { escapeHtml } from '../shared/index.ts';
import type { CheckStatus } from './check-rows.ts';

const COLOURS: Record<string, string> = {
  passing: '#1a7f37',
  failing: '#cf222e',
  unreachable: '#cf222e',
  running: '#9a6700',
  queued: '#9a6700',
  // Blue, as neither good nor bad news: planned work.
  maintenance: '#0969da',
  'never run': '#6e7781',
  cancelled: '#6e7781',
  'not runnable': '#6e7781',
  unknown: '#6e7781',
};

/** Roughly how wide text is in 11px Verdana, the usual badge font. */
function textWidth(text: string): number {
  return Math.round([...text].reduce((sum, ch) => sum + (/[ilI.,:;|!'`]/.test(ch) ? 3.5 : /[mwMW@]/.test(ch) ? 10 : 7), 0)) + 10;
}

/** A flat status badge, like the ones README files embed: `label | status`. */
export function statusBadgeSvg(label: string, status: CheckStatus | 'unknown'): string {
  const left = textWidth(label);
  const right = textWidth(status);
  const colour = COLOURS[status] ?? COLOURS.unknown!;
  const [l, s] = [escapeHtml(label), escapeHtml(status)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + right}" height="20" role="img" aria-label="${l}: ${s}">
<title>${l}: ${s}</title>
<rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="14">${l}</text><text x="${left + right / 2}" y="14">${s}</text>
</g></svg>`;
}

/** One status for a check across its targets: the worst of them. */
export function worstStatus(statuses: CheckStatus[]): CheckStatus | 'unknown' {
  const order: CheckStatus[] = ['failing', 'unreachable', 'maintenance', 'running', 'queued', 'never run', 'cancelled', 'not runnable', 'passing'];
  for (const status of order) if (statuses.includes(status)) return status;
  return 'unknown';
}
