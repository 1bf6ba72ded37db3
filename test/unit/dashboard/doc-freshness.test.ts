import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docFreshness } from '../../../src/lib/dashboard/doc-freshness.ts';
import { describeFreshness } from '../../../src/lib/dashboard/freshness-words.ts';
import type { ProcedureBlock } from '../../../src/lib/procedures/procedure-catalog.ts';
import type { BlockTargetStats } from '../../../src/lib/runs/sqlite-run-stats.ts';
import { demoFixture, latest, stats, type Fixture } from './fixtures.ts';

let fixture: Fixture;
let blocks: ProcedureBlock[];
let loose: ProcedureBlock[];
beforeAll(async () => {
  fixture = await demoFixture();
  blocks = fixture.catalog.blocksOf(fixture.set.byId.get('RUN-demo')!, fixture.set);
  loose = fixture.catalog.blocksOf(fixture.set.byId.get('REF-loose')!, fixture.set);
});
afterAll(() => fixture?.cleanup());

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const MIN = 60_000;
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const fresh = (entries: Record<string, BlockTargetStats>, which = blocks) => docFreshness(which, new Map(Object.entries(entries)), ['local']);
const passedAt = (finishedAt: string) => stats({ latest: latest('passed', { finishedAt }), lastPassAt: finishedAt });
const failedAt = (finishedAt: string) => stats({ latest: latest('failed', { finishedAt }) });
/** The words the page and the catalogue show, one string per target. */
const lines = (entries: Record<string, BlockTargetStats>, which = blocks) => describeFreshness(fresh(entries, which), NOW)?.lines.map((line) => line.text) ?? null;

describe('docFreshness', () => {
  it('reads the fixture: two runnable checks, a manual check and a plain procedure', () => {
    expect(blocks.map((b) => `${b.id}:${b.isCheck ? 'check' : 'procedure'}:${b.runnable ? 'runnable' : 'manual'}`)).toEqual([
      'RUN-demo/probe:check:runnable',
      'RUN-demo/elsewhere:check:manual',
      'RUN-demo/plain:procedure:runnable',
      'RUN-demo/contract:check:runnable',
    ]);
  });

  it('is null for a doc without runnable checks: plain procedures and manual checks give no freshness', () => {
    expect(fresh({}, blocks.filter((b) => !b.isCheck || !b.runnable))).toBeNull();
    expect(fresh({}, [])).toBeNull();
  });

  it('lists each runnable check per target, by the name the doc gives it, and flags the never-run ones', () => {
    expect(fresh({})).toEqual({
      targets: [
        { target: 'local', checks: [expect.objectContaining({ key: 'RUN-demo/probe@local', name: 'probe', last: null, going: null }), expect.objectContaining({ key: 'RUN-demo/contract@local', name: 'contract' })] },
        { target: 'remote', checks: [expect.objectContaining({ key: 'RUN-demo/probe@remote' }), expect.objectContaining({ key: 'RUN-demo/contract@remote' })] },
      ],
      failing: [],
      // The manual check cannot run and is not counted.
      neverRun: ['RUN-demo/probe@local', 'RUN-demo/probe@remote', 'RUN-demo/contract@local', 'RUN-demo/contract@remote'],
      flag: 'never run',
    });
  });

  it('uses the default targets for checks without a system', () => {
    expect(docFreshness(loose, new Map(), ['local', 'other'])!.targets.map((t) => t.target)).toEqual(['local', 'other']);
  });

  it('flags failing before never run, and counts errored runs as failing', () => {
    const result = fresh({ 'RUN-demo/probe@local': stats({ latest: latest('errored') }) });
    expect(result!.failing).toEqual(['RUN-demo/probe@local']);
    expect(result!.neverRun).toEqual(['RUN-demo/probe@remote', 'RUN-demo/contract@local', 'RUN-demo/contract@remote']);
    expect(result!.flag).toBe('failing');
  });

  it('has no flag when every check passed last time, whatever a plain procedure did', () => {
    const pass = passedAt(ago(MIN));
    const result = fresh({ 'RUN-demo/probe@local': pass, 'RUN-demo/probe@remote': pass, 'RUN-demo/contract@local': pass, 'RUN-demo/contract@remote': pass, 'RUN-demo/plain@local': stats({ latest: latest('failed') }) });
    expect(result).toMatchObject({ failing: [], neverRun: [], flag: null });
  });

  it('keeps a check that failed and is running again in failing, and one that passed before and is running again out of never run', () => {
    const result = fresh({
      'RUN-demo/probe@local': stats({ latest: latest('running'), lastFinished: { status: 'failed', finishedAt: ago(5 * MIN) } }),
      'RUN-demo/probe@remote': stats({ latest: latest('running'), lastFinished: { status: 'passed', finishedAt: ago(60 * MIN) } }),
    });
    expect(result!.failing).toEqual(['RUN-demo/probe@local']);
    expect(result!.neverRun).not.toContain('RUN-demo/probe@remote');
  });

  it('does not call a check whose first run is queued or running "never run", nor one whose only run was cancelled', () => {
    const result = fresh({ 'RUN-demo/probe@local': stats({ latest: latest('queued') }), 'RUN-demo/contract@local': stats({ latest: latest('running') }), 'RUN-demo/probe@remote': stats({ latest: latest('cancelled') }) });
    expect(result!.neverRun).toEqual(['RUN-demo/contract@remote']);
    expect(result!.failing).toEqual([]);
  });
});

describe('freshness words: one line per target, the same on the doc page and in the catalogue', () => {
  it('says how each check stands, by name: "probe passed 2 h ago on local; contract never run on local"', () => {
    expect(lines({ 'RUN-demo/probe@local': passedAt(ago(2 * 60 * MIN)) })).toEqual([
      'probe passed 2 h ago on local; contract never run on local',
      'probe never run on remote; contract never run on remote',
    ]);
  });

  it('says "failed 5 min ago" and "errored" for the newest verdict, and "just now" for a fresh one', () => {
    expect(lines({ 'RUN-demo/probe@local': failedAt(ago(5 * MIN)), 'RUN-demo/contract@local': passedAt(ago(10_000)), 'RUN-demo/probe@remote': stats({ latest: latest('errored', { finishedAt: ago(3 * 24 * 60 * MIN) }) }) })).toEqual([
      'probe failed 5 min ago on local; contract passed just now on local',
      'probe errored 3 d ago on remote; contract never run on remote',
    ]);
  });

  it('says "running on local" for a first run, and adds "running again" (or "queued again") to the verdict it had', () => {
    expect(
      lines({
        'RUN-demo/probe@local': stats({ latest: latest('running') }),
        'RUN-demo/contract@local': stats({ latest: latest('queued') }),
        'RUN-demo/probe@remote': stats({ latest: latest('running'), lastFinished: { status: 'failed', finishedAt: ago(5 * MIN) } }),
        'RUN-demo/contract@remote': stats({ latest: latest('queued'), lastFinished: { status: 'passed', finishedAt: ago(2 * 60 * MIN) }, lastPassAt: ago(2 * 60 * MIN) }),
      }),
    ).toEqual([
      'probe running on local; contract queued on local',
      'probe failed 5 min ago on remote, running again; contract passed 2 h ago on remote, queued again',
    ]);
  });

  it('keeps a pass in view after a cancelled run, and says "cancelled" when nothing else ever ended', () => {
    expect(
      lines({
        'RUN-demo/probe@local': stats({ latest: latest('cancelled', { finishedAt: ago(MIN) }), lastFinished: { status: 'passed', finishedAt: ago(60 * MIN) }, lastPassAt: ago(60 * MIN) }),
        'RUN-demo/contract@local': stats({ latest: latest('cancelled', { finishedAt: ago(3 * MIN) }) }),
      }),
    ).toEqual(['probe passed 1 h ago on local; contract cancelled 3 min ago on local', 'probe never run on remote; contract never run on remote']);
  });

  it('marks each check with the state the page colours it by, and never says "verified" beside "never run"', () => {
    const view = describeFreshness(fresh({ 'RUN-demo/probe@local': passedAt(ago(MIN)), 'RUN-demo/contract@local': stats({ latest: latest('running') }) }), NOW)!;
    expect(view.lines[0]!.checks.map((c) => [c.blockId, c.state])).toEqual([
      ['RUN-demo/probe', 'passed'],
      ['RUN-demo/contract', 'running'],
    ]);
    expect(view.flag).toBe('never run');
    expect(view.lines.map((l) => l.text).join('\n')).not.toMatch(/verified/);
  });

  it('says nothing for a doc without checks', () => {
    expect(describeFreshness(fresh({}, blocks.filter((b) => !b.isCheck)), NOW)).toBeNull();
  });

  it('uses a check\'s own name, else the local part of its id', () => {
    expect(lines({}, loose)).toEqual(['loose never run on local']);
  });
});
