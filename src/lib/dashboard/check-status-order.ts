import type { CheckStatus } from './check-rows.ts';

/**
 * Every check status, in the order the dashboard counts and sorts them: what needs a person
 * first. The page script sorts the rows it holds by the same order (through browser.ts).
 */
export const CHECK_STATUS_ORDER: readonly CheckStatus[] = ['failing', 'unreachable', 'running', 'queued', 'maintenance', 'passing', 'never run', 'cancelled', 'not runnable'];
