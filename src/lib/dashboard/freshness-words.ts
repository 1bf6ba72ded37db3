import { formatAge } from '../shared/index.ts';
import type { CheckFreshness, DocFreshness } from './doc-freshness.ts';

/** One check's words on one target, with the state a page colours them by. */
export interface FreshnessWords {
  blockId: string;
  /** The newest ended run's status, else what is going now, else `never run`. */
  state: string;
  /** `contract-smoke passed 2 h ago on local`, `hardened-start never run on local`. */
  text: string;
}

/** A doc's freshness on one target: every check's words, and the whole line. */
export interface FreshnessLine {
  target: string;
  checks: FreshnessWords[];
  /** `contract-smoke passed 2 h ago on local; hardened-start never run on local`. */
  text: string;
}

/** What the doc page and the catalogue's Verified column show: one line per target, and the flag. */
export interface FreshnessView {
  lines: FreshnessLine[];
  flag: DocFreshness['flag'];
}

/** The words for a doc's freshness at `now`; null for a doc without checks, which says nothing. */
export function describeFreshness(freshness: DocFreshness | null, now: number): FreshnessView | null {
  if (!freshness) return null;
  return {
    flag: freshness.flag,
    lines: freshness.targets.map(({ target, checks }) => {
      const words = checks.map((check) => ({ blockId: check.blockId, state: check.last?.status ?? check.going ?? 'never run', text: checkWords(check, target, now) }));
      return { target, checks: words, text: words.map((w) => w.text).join('; ') };
    }),
  };
}

/**
 * `passed 2 h ago on local`, `failed 5 min ago on local, running again`, `running on local`
 * (its first run), `never run on local`: the newest verdict first, then what is going now.
 */
function checkWords(check: CheckFreshness, target: string, now: number): string {
  if (!check.last) return `${check.name} ${check.going ?? 'never run'} on ${target}`;
  const again = check.going ? `, ${check.going} again` : '';
  return `${check.name} ${check.last.status} ${formatAge(now - Date.parse(check.last.at))} on ${target}${again}`;
}
