import { describe, expect, it } from 'vitest';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import { visit } from 'unist-util-visit';
import type { Root } from 'mdast';
import { parse as parseYaml } from 'yaml';
import { exportIncident } from '../../../src/lib/incidents/export-incident.ts';
import type { Incident, IncidentEvent } from '../../../src/lib/incidents/incident-record.ts';
import { resolveContract } from '../../../src/lib/docs/load-contract.ts';
import { defaultDocsContract } from '../../../src/lib/docs/default-contract.ts';
import { parseFrontmatter } from '../../../src/lib/docs/parse-frontmatter.ts';
import { validateDoc } from '../../../src/lib/docs/validate-doc.ts';

const contract = resolveContract(defaultDocsContract, null, '/nonexistent');

const base: Incident = {
  id: 'INC-12',
  blockId: 'RUN-runner-image/contract-smoke',
  docId: 'RUN-runner-image',
  target: 'local',
  failureKind: 'contract_violation',
  assertion: 'saved settings reach the tool',
  status: 'acknowledged',
  section: { docId: 'RUN-runner-image', anchor: 'settings-are-not-applied-in-the-runner', title: 'Settings are not applied in the runner' },
  openedAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-27T08:30:00.000Z',
  resolvedAt: null,
  acknowledgedBy: 'ada',
  failures: 3,
  lastRunId: 'run-3',
  message: 'saved settings reach the tool: greeting=hej not found',
};

function ev(seq: number, overrides: Partial<IncidentEvent>): IncidentEvent {
  return { incidentId: base.id, seq, at: '2026-11-26T10:00:00.000Z', type: 'opened', runId: null, actor: null, text: null, excerpt: null, ...overrides };
}

function split(markdown: string) {
  const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(markdown);
  if (!match) throw new Error(`no frontmatter in:\n${markdown}`);
  return { frontmatter: parseYaml(match[1]!) as Record<string, unknown>, body: match[2]! };
}

function codeBlocks(body: string): Array<{ lang: string | null | undefined; value: string }> {
  const blocks: Array<{ lang: string | null | undefined; value: string }> = [];
  visit(unified().use(remarkParse).parse(body) as Root, 'code', (node) => void blocks.push({ lang: node.lang, value: node.value }));
  return blocks;
}

function links(body: string): Array<{ url: string; text: string }> {
  const found: Array<{ url: string; text: string }> = [];
  visit(unified().use(remarkParse).parse(body) as Root, 'link', (node) =>
    void found.push({ url: node.url, text: node.children.map((c) => ('value' in c ? c.value : '')).join('') }),
  );
  return found;
}

describe('exportIncident', () => {
  it('writes frontmatter a docs contract accepts, linking the check, the target and the section', () => {
    const { fileName, markdown } = exportIncident(base, [ev(1, { runId: 'run-1' })], 'runbooks/runbook-runner-image.md');
    expect(fileName).toBe('inc-12-contract-smoke-saved-settings-reach-the-tool.md');
    expect(split(markdown).frontmatter).toEqual({
      type: 'incident',
      id: 'INC-12',
      title: 'RUN-runner-image/contract-smoke failed on local: saved settings reach the tool',
      status: 'acknowledged',
      owners: 'ada',
      created: '2026-11-26',
      updated: '2026-11-27',
      check: 'RUN-runner-image/contract-smoke',
      target: 'local',
      failure_kind: 'contract_violation',
      assertion: 'saved settings reach the tool',
      section: 'RUN-runner-image#settings-are-not-applied-in-the-runner',
      links: ['RUN-runner-image'],
    });
    const record = validateDoc(`incidents/${fileName}`, parseFrontmatter(markdown), contract);
    expect(record.violations).toEqual([]);
    expect(record).toMatchObject({ id: 'INC-12', type: 'incident', status: 'acknowledged', created: '2026-11-26', updated: '2026-11-27' });
  });

  it('leaves out assertion and section when there are none, and owns an unacknowledged incident by on-call', () => {
    const incident: Incident = { ...base, id: 'INC-3', blockId: 'RUN-demo/flaky check', docId: 'RUN-demo', failureKind: 'exit_nonzero', assertion: null, status: 'open', acknowledgedBy: null, section: null, failures: 1 };
    const { fileName, markdown } = exportIncident(incident, [], null);
    expect(fileName).toBe('inc-3-flaky-check-exit-nonzero.md');
    const { frontmatter, body } = split(markdown);
    expect(frontmatter).toMatchObject({ owners: 'on-call', failure_kind: 'exit_nonzero', links: ['RUN-demo'], status: 'open' });
    expect(frontmatter).not.toHaveProperty('assertion');
    expect(frontmatter).not.toHaveProperty('section');
    expect(body).toContain('No troubleshooting section covers this failure yet: that is a gap in the runbook.');
    expect(body).toContain('`RUN-demo/flaky check` failed on `local` with `exit_nonzero`, 1 time.');
    expect(validateDoc(`incidents/${fileName}`, parseFrontmatter(markdown), contract).violations).toEqual([]);
  });

  it('links both docs when the explaining section is in another runbook', () => {
    const incident: Incident = { ...base, section: { docId: 'RUN-other', anchor: 'why', title: 'Why' } };
    expect(split(exportIncident(incident, [], 'runbooks/runbook-other.md').markdown).frontmatter.links).toEqual(['RUN-runner-image', 'RUN-other']);
  });

  it('links the section relative to the incidents/ folder, so the link works in the repository', () => {
    const { markdown } = exportIncident(base, [], 'runbooks/runbook-runner-image.md');
    const { body } = split(markdown);
    expect(body).toContain('Explained by [Settings are not applied in the runner](../runbooks/runbook-runner-image.md#settings-are-not-applied-in-the-runner) in RUN-runner-image.');
    expect(links(body)).toEqual([{ url: '../runbooks/runbook-runner-image.md#settings-are-not-applied-in-the-runner', text: 'Settings are not applied in the runner' }]);
    // Nested folders and a runbook beside the incidents folder resolve too.
    expect(links(split(exportIncident(base, [], 'runbooks/deep/runbook-x.md').markdown).body)[0]!.url).toBe('../runbooks/deep/runbook-x.md#settings-are-not-applied-in-the-runner');
    expect(links(split(exportIncident(base, [], 'incidents/runbook-x.md').markdown).body)[0]!.url).toBe('runbook-x.md#settings-are-not-applied-in-the-runner');
  });

  it('writes the timeline with actors, runs, one-line texts and fenced excerpts', () => {
    const events = [
      ev(1, { type: 'opened', runId: 'run-1', text: 'first line\nsecond line', excerpt: 'out 1\nout 2' }),
      ev(2, { type: 'acknowledged', at: '2026-11-26T10:05:00.000Z', actor: 'ada' }),
      ev(3, { type: 'failed-again', at: '2026-11-27T08:30:00.000Z', runId: 'run-3', text: 'again' }),
    ];
    const { body } = split(exportIncident(base, events, 'runbooks/runbook-runner-image.md').markdown);
    expect(body).toContain('(saved settings reach the tool), 3 times.');
    expect(body).toContain('## Timeline');
    expect(body).toContain('- 2026-11-26T10:00:00.000Z **opened** (run `run-1`): first line second line\n\n  ```text\n  out 1\n  out 2\n  ```\n');
    expect(body).toContain('- 2026-11-26T10:05:00.000Z **acknowledged** by ada\n');
    expect(body).toContain('- 2026-11-27T08:30:00.000Z **failed-again** (run `run-3`): again');
    expect(codeBlocks(body)).toEqual([{ lang: 'text', value: 'out 1\nout 2' }]);
  });

  it('fences an excerpt with more backticks than any run in it, so log lines cannot close the fence', () => {
    const excerpt = ['```', 'inside a fence', '````', 'mixed `code` and ``more``', '  indented ```` ```'].join('\n');
    const { body } = split(exportIncident(base, [ev(1, { runId: 'run-1', excerpt }), ev(2, { type: 'failed-again', excerpt: 'plain ` one' })], 'runbooks/r.md').markdown);
    expect(body).toContain('  `````text\n  ```\n  inside a fence\n');
    expect(body).toContain('  ```text\n  plain ` one\n  ```');
    expect(codeBlocks(body)).toEqual([
      { lang: 'text', value: excerpt },
      { lang: 'text', value: 'plain ` one' },
    ]);
    // Nothing after the excerpts is swallowed by an unclosed fence.
    expect(links(body)).toHaveLength(1);
  });

  it('keeps the file name to the contract: lower case, dashes, at most 60 characters of slug', () => {
    const long = { ...base, id: 'INC-4', assertion: 'The Manifest lists EVERY upload, with its size (and the files exist!)' };
    const { fileName, markdown } = exportIncident(long, [], null);
    expect(fileName).toMatch(/^inc-4-[a-z0-9][a-z0-9-]*\.md$/);
    expect(fileName.length).toBeLessThanOrEqual('inc-4-'.length + 60 + '.md'.length);
    expect(fileName.startsWith('inc-4-contract-smoke-the-manifest-lists-every-upload')).toBe(true);
    expect(validateDoc(`incidents/${fileName}`, parseFrontmatter(markdown), contract).violations).toEqual([]);
  });

  // A regression test: this once went wrong.
  it('does not write a link to "null" when the section doc is gone', () => {
    const { body } = split(exportIncident(base, [], null).markdown);
    expect(body).not.toContain('](null#');
  });
});
