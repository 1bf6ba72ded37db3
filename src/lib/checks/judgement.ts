import type { AssertionVerdict } from './check-observations.ts';

/** One assertion's outcome before it is numbered, labelled and given its citation. */
export type Judgement = Omit<AssertionVerdict, 'index' | 'because' | 'label'>;

/** Passed or failed, with what was expected and what was seen. */
export function verdict(ok: boolean, expected: string, actual: string): Judgement {
  return { status: ok ? 'passed' : 'failed', expected, actual };
}

/** Nothing to judge, and why: the assertion neither passed nor failed. */
export function skipped(why: string): Judgement {
  return { status: 'skipped', expected: '—', actual: why };
}

/** Text trimmed and cut to 300 characters, so a verdict stays readable next to its block. */
export function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed || '(empty)';
}
