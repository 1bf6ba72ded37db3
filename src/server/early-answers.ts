import type { PageCache } from '../lib/app/index.ts';

/**
 * Where the middleware leaves the core's page cache for the Node handler (./entry.ts), so a
 * request without credentials whose answer is cached is written before Astro sees it. Empty
 * until the first request has built the core (and that request takes the whole way).
 */
export const earlyAnswers: { cache: PageCache | null } = { cache: null };
