import type { FailureKind } from '../runs/index.ts';
import type { TroubleshootingSection } from './troubleshooting-sections.ts';

/** What went wrong, as far as choosing an explanation is concerned. */
export interface FailureFacts {
  kind: FailureKind;
  /** The failing assertion's label, for contract violations. */
  assertion: string | null;
  /** The run's message and any other text worth matching patterns against. */
  text: string;
}

/**
 * Picks the troubleshooting section that explains a failure, or null (a docs gap).
 * A section naming the exact assertion, or whose pattern matches the message, beats one
 * that only names the kind; sections of the failing doc's own runbook come first on a tie.
 */
export function matchSection(failure: FailureFacts, ownSections: TroubleshootingSection[], otherSections: TroubleshootingSection[]): TroubleshootingSection | null {
  let best: { section: TroubleshootingSection; score: number } | null = null;
  for (const section of [...ownSections, ...otherSections]) {
    const score = Math.max(0, ...section.covers.map((coverage) => scoreCoverage(coverage, failure)));
    if (score > 0 && (!best || score > best.score)) best = { section, score };
  }
  return best?.section ?? null;
}

function scoreCoverage(coverage: TroubleshootingSection['covers'][number], failure: FailureFacts): number {
  if ('pattern' in coverage) {
    // Sections parsed elsewhere may still carry a global flag; never let lastIndex leak between calls.
    coverage.pattern.lastIndex = 0;
    return coverage.pattern.test(failure.text) ? 3 : 0;
  }
  if (coverage.kind !== failure.kind) return 0;
  if (coverage.assertion === null) return failure.kind === 'contract_violation' ? 1 : 2;
  return failure.assertion !== null && normalise(coverage.assertion) === normalise(failure.assertion) ? 3 : 0;
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
