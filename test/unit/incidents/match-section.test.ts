import { describe, expect, it } from 'vitest';
import { matchSection, type FailureFacts } from '../../../src/lib/incidents/match-section.ts';
import type { Coverage, TroubleshootingSection } from '../../../src/lib/incidents/troubleshooting-sections.ts';
import type { FailureKind } from '../../../src/lib/runs/run-record.ts';
import { resolveContract } from '../../../src/lib/docs/load-contract.ts';
import { defaultDocsContract } from '../../../src/lib/docs/default-contract.ts';
import { parseFrontmatter } from '../../../src/lib/docs/parse-frontmatter.ts';
import { validateDoc } from '../../../src/lib/docs/validate-doc.ts';
import { troubleshootingSections } from '../../../src/lib/incidents/troubleshooting-sections.ts';
import { doc } from '../../support/temp-docs.ts';

function section(docId: string, anchor: string, ...covers: Coverage[]): TroubleshootingSection {
  return { docId, anchor, title: anchor, covers, problems: [] };
}
const kind = (k: FailureKind, assertion: string | null = null): Coverage => ({ kind: k, assertion });
const pattern = (source: string, flags = 'i'): Coverage => ({ pattern: new RegExp(source, flags) });
const failure = (k: FailureKind, text = '', assertion: string | null = null): FailureFacts => ({ kind: k, assertion, text });
const anchorOf = (s: TroubleshootingSection | null) => (s ? `${s.docId}#${s.anchor}` : null);

describe('matchSection', () => {
  it('picks a section that names the failure kind', () => {
    const own = [section('RUN-a', 'missing-image', kind('image_not_found')), section('RUN-a', 'slow', kind('timeout'))];
    expect(anchorOf(matchSection(failure('timeout', 'killed after 20 s'), own, []))).toBe('RUN-a#slow');
  });

  it('returns null when nothing covers the failure: a docs gap', () => {
    const own = [section('RUN-a', 'slow', kind('timeout')), section('RUN-a', 'empty')];
    expect(matchSection(failure('oom_killed', 'killed'), own, [])).toBeNull();
    expect(matchSection(failure('oom_killed', 'killed'), [], [])).toBeNull();
  });

  it('prefers the section naming the exact assertion over one naming only the kind, wherever they are', () => {
    const generic = section('RUN-a', 'contract-broken', kind('contract_violation'));
    const specific = section('RUN-b', 'settings', kind('contract_violation', 'saved settings reach the tool'));
    const facts = failure('contract_violation', 'saved settings reach the tool: greeting missing', 'saved settings reach the tool');
    expect(anchorOf(matchSection(facts, [generic], [specific]))).toBe('RUN-b#settings');
    expect(anchorOf(matchSection(facts, [specific], [generic]))).toBe('RUN-b#settings');
  });

  it('compares assertion labels ignoring case and runs of white space', () => {
    const specific = section('RUN-a', 'settings', kind('contract_violation', 'Saved  settings reach\tthe tool'));
    expect(anchorOf(matchSection(failure('contract_violation', '', ' saved settings reach the tool '), [], [specific]))).toBe('RUN-a#settings');
  });

  it('falls back to the generic contract_violation section for an assertion nobody names', () => {
    const generic = section('RUN-a', 'contract-broken', kind('contract_violation'));
    const other = section('RUN-a', 'settings', kind('contract_violation', 'saved settings reach the tool'));
    const facts = failure('contract_violation', 'a brand new assertion: false', 'a brand new assertion');
    expect(anchorOf(matchSection(facts, [other, generic], []))).toBe('RUN-a#contract-broken');
  });

  it('returns null for a contract violation whose assertion nobody names and no generic section exists', () => {
    const own = [section('RUN-a', 'settings', kind('contract_violation', 'saved settings reach the tool')), section('RUN-a', 'slow', kind('timeout'))];
    expect(matchSection(failure('contract_violation', 'x', 'a brand new assertion'), own, [])).toBeNull();
    // An assertion-specific coverage never matches a violation without a known assertion.
    expect(matchSection(failure('contract_violation', 'x', null), own, [])).toBeNull();
  });

  it('matches a /pattern/ against the message, whatever the kind, and ranks it above a kind-only match', () => {
    const byKind = section('RUN-a', 'engine-down', kind('docker_unreachable'));
    const byPattern = section('RUN-b', 'socket-permissions', pattern('permission denied.*docker\\.sock'));
    const message = 'connect EACCES: Permission denied while opening /var/run/docker.sock';
    expect(anchorOf(matchSection(failure('docker_unreachable', message), [byKind], [byPattern]))).toBe('RUN-b#socket-permissions');
    expect(anchorOf(matchSection(failure('exit_nonzero', message), [], [byPattern]))).toBe('RUN-b#socket-permissions');
    expect(anchorOf(matchSection(failure('docker_unreachable', 'connect ENOENT /var/run/docker.sock'), [byKind], [byPattern]))).toBe('RUN-a#engine-down');
    expect(matchSection(failure('timeout', 'nothing alike'), [], [byPattern])).toBeNull();
  });

  it('takes the best coverage of a section that lists several', () => {
    const mixed = section('RUN-b', 'mixed', kind('timeout'), pattern('no space left'));
    const plain = section('RUN-a', 'plain', kind('exit_nonzero'));
    expect(anchorOf(matchSection(failure('exit_nonzero', 'write failed: No space left on device'), [plain], [mixed]))).toBe('RUN-b#mixed');
  });

  it("prefers the failing doc's own section on a tie, and the first listed within a doc", () => {
    const ownA = section('RUN-own', 'first', kind('exit_nonzero'));
    const ownB = section('RUN-own', 'second', kind('exit_nonzero'));
    const other = section('RUN-other', 'elsewhere', kind('exit_nonzero'));
    expect(anchorOf(matchSection(failure('exit_nonzero'), [ownA, ownB], [other]))).toBe('RUN-own#first');
    expect(anchorOf(matchSection(failure('exit_nonzero'), [], [other, ownA]))).toBe('RUN-other#elsewhere');
    const ownPattern = section('RUN-own', 'pattern', pattern('code 4'));
    const otherPattern = section('RUN-other', 'pattern', pattern('exited with'));
    expect(anchorOf(matchSection(failure('exit_nonzero', 'exited with code 4'), [ownPattern], [otherPattern]))).toBe('RUN-own#pattern');
    expect(anchorOf(matchSection(failure('exit_nonzero', 'exited with code 4'), [], [otherPattern, ownPattern]))).toBe('RUN-other#pattern');
  });

  it('but a better match in another doc beats a weaker one in its own', () => {
    const own = section('RUN-own', 'generic', kind('contract_violation'));
    const other = section('RUN-other', 'exact', kind('contract_violation', 'result.json is written'));
    expect(anchorOf(matchSection(failure('contract_violation', '', 'result.json is written'), [own], [other]))).toBe('RUN-other#exact');
  });

  it('works on sections read from a runbook', () => {
    const source = doc(
      { type: 'runbook', id: 'RUN-demo', title: 'Demo', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' },
      '## Troubleshooting\n\n### The check exits non-zero\n\nCovers: `exit_nonzero`\n\n### Disk full\n\nCovers: `/no space left/`\n',
    );
    const record = validateDoc('runbooks/runbook-demo.md', parseFrontmatter(source), resolveContract(defaultDocsContract, null, '/x'));
    const sections = troubleshootingSections(record);
    expect(anchorOf(matchSection(failure('exit_nonzero', 'the container exited with code 4'), sections, []))).toBe('RUN-demo#the-check-exits-non-zero');
    expect(anchorOf(matchSection(failure('exit_nonzero', 'No space left on device'), sections, []))).toBe('RUN-demo#disk-full');
  });

  // A regression test: this once went wrong.
  it('matches a /pattern/g every time, not every other time', () => {
    const global = section('RUN-a', 'denied', pattern('denied', 'g'));
    const facts = failure('exit_nonzero', 'permission denied');
    expect(anchorOf(matchSection(facts, [global], []))).toBe('RUN-a#denied');
    expect(anchorOf(matchSection(facts, [global], []))).toBe('RUN-a#denied');
  });
});
