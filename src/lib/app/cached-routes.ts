/** Tags pages are invalidated by (see PageCache). */
export const CacheTags = {
  /** Anything built from the whole doc set: the catalogue, docs health, the dashboard, badges, metrics. */
  catalogue: 'docs:catalogue',
  /** Run and incident state: statuses, freshness, "verified by", incidents, counts. */
  runs: 'runs',
  /** The live streams' counts (the `/metrics` gauges): dropped when a stream opens or closes. */
  streams: 'streams',
  /** One doc's page. */
  doc: (id: string) => `doc:${id}`,
} as const;

/** How one GET route is cached: the tags it depends on, and how long its time-relative parts may lag. */
export interface CachePolicy {
  tags: string[];
  /** Null for "until a tag changes"; a bound for pages that show clocks or target health, which no event announces. */
  ttlMs: number | null;
}

// Freshness ("verified 3 days ago") moves with the clock; half a minute of lag is invisible at that grain.
const RELATIVE_TIME_MS = 30_000;
// Target health comes from probes and schedules count down: these pages lag them by at most this.
const LIVE_MS = 2_000;

/**
 * The cache policy of a GET path, or null for one never cached: run and incident pages
 * (their logs and notes change without a run event), streams, the audit log (every change
 * writes to it), sign-in and sign-out, and anything not listed here.
 */
export function cachePolicy(pathname: string): CachePolicy | null {
  const { catalogue, runs, streams, doc } = CacheTags;
  if (pathname === '/') return { tags: [catalogue, runs], ttlMs: RELATIVE_TIME_MS };
  const docPage = /^\/docs\/([^/]+)$/.exec(pathname);
  if (docPage) return { tags: [doc(safeDecode(docPage[1]!)), runs], ttlMs: RELATIVE_TIME_MS };
  if (pathname === '/health') return { tags: [catalogue, runs], ttlMs: RELATIVE_TIME_MS };
  if (pathname === '/dashboard' || pathname === '/api/checks') return { tags: [catalogue, runs], ttlMs: LIVE_MS };
  if (pathname.startsWith('/badge/') && pathname.endsWith('.svg')) return { tags: [catalogue, runs], ttlMs: null };
  // Metrics carry the live streams' counts too, dropped as streams come and go; only target
  // health (probes announce nothing) may lag, by at most LIVE_MS.
  if (pathname === '/metrics') return { tags: [catalogue, runs, streams], ttlMs: LIVE_MS };
  // Search answers come from the doc set alone: any change to the folder drops them.
  if (pathname === '/search' || pathname === '/api/search') return { tags: [catalogue], ttlMs: null };
  if (pathname === '/healthz') return { tags: [catalogue], ttlMs: LIVE_MS };
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
