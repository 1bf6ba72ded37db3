import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docFreshness } from '../../../src/lib/dashboard/doc-freshness.ts';
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

const fresh = (entries: Record<string, BlockTargetStats>, which = blocks) => docFreshness(which, new Map(Object.entries(entries)), ['local']);
const passedAt = (finishedAt: string) => latest('passed', { finishedAt });

describe('docFreshness', () => {
  it('reads the fixture: two runnable checks, a manual check and a plain procedure', () => {
    expect(blocks.map((b) => `${b.id}:${b.isCheck ? 'check' : 'procedure'}:${b.runnable ? 'runnable' : 'manual'}`)).toEqual([
      'RUN-demo/probe:check:runnable',
      'RUN-demo/elsewhere:check:manual',
      'RUN-demo/plain:procedure:runnable',
      'RUN-demo/contract:check:runnable',
    ]);
  });

  it('is null for a doc with nothing runnable', () => {
    expect(fresh({}, blocks.filter((b) => !b.runnable))).toBeNull();
    expect(fresh({}, [])).toBeNull();
  });

  it('flags a doc whose runnable checks never ran as "never run", with each target listed unverified', () => {
    expect(fresh({})).toEqual({
      verified: [
        { target: 'local', lastPassAt: null },
        { target: 'remote', lastPassAt: null },
      ],
      failing: [],
      // The manual check cannot run and is not counted.
      neverRun: ['RUN-demo/probe@local', 'RUN-demo/probe@remote', 'RUN-demo/contract@local', 'RUN-demo/contract@remote'],
      flag: 'never run',
    });
  });

  it('uses the default targets for blocks without a system', () => {
    expect(docFreshness(loose, new Map(), ['local', 'other'])!.verified.map((v) => v.target)).toEqual(['local', 'other']);
  });

  it('gives the newest pass per target of any runnable block, procedures included', () => {
    const result = fresh({
      'RUN-demo/probe@local': stats({ latest: passedAt('2026-11-26T09:00:00.000Z'), lastPassAt: '2026-11-26T09:00:00.000Z' }),
      'RUN-demo/plain@local': stats({ latest: passedAt('2026-11-26T11:00:00.000Z'), lastPassAt: '2026-11-26T11:00:00.000Z' }),
      'RUN-demo/contract@local': stats({ latest: latest('failed'), lastPassAt: '2026-11-26T10:00:00.000Z' }),
      'RUN-demo/probe@remote': stats({ latest: passedAt('2026-11-20T08:00:00.000Z'), lastPassAt: '2026-11-20T08:00:00.000Z' }),
      'RUN-demo/contract@remote': stats({ latest: passedAt('2026-11-19T08:00:00.000Z'), lastPassAt: '2026-11-19T08:00:00.000Z' }),
      // The manual block's runs (from an older version of the doc) do not count.
      'RUN-demo/elsewhere@remote': stats({ latest: passedAt('2026-11-30T00:00:00.000Z'), lastPassAt: '2026-11-30T00:00:00.000Z' }),
    });
    expect(result!.verified).toEqual([
      { target: 'local', lastPassAt: '2026-11-26T11:00:00.000Z' },
      { target: 'remote', lastPassAt: '2026-11-20T08:00:00.000Z' },
    ]);
    expect(result!.failing).toEqual(['RUN-demo/contract@local']);
    expect(result!.neverRun).toEqual([]);
    expect(result!.flag).toBe('failing');
  });

  it('flags failing before never run, and counts errored runs as failing', () => {
    const result = fresh({ 'RUN-demo/probe@local': stats({ latest: latest('errored') }) });
    expect(result!.failing).toEqual(['RUN-demo/probe@local']);
    expect(result!.neverRun).toEqual(['RUN-demo/probe@remote', 'RUN-demo/contract@local', 'RUN-demo/contract@remote']);
    expect(result!.flag).toBe('failing');
  });

  it('has no flag when every check passed last time', () => {
    const pass = stats({ latest: passedAt('2026-11-26T09:00:00.000Z'), lastPassAt: '2026-11-26T09:00:00.000Z' });
    const result = fresh({ 'RUN-demo/probe@local': pass, 'RUN-demo/probe@remote': pass, 'RUN-demo/contract@local': pass, 'RUN-demo/contract@remote': pass });
    expect(result).toMatchObject({ failing: [], neverRun: [], flag: null });
  });

  it('ignores plain procedures for the flag: a failing procedure is no failing check', () => {
    const pass = stats({ latest: passedAt('2026-11-26T09:00:00.000Z'), lastPassAt: '2026-11-26T09:00:00.000Z' });
    const result = fresh({ 'RUN-demo/probe@local': pass, 'RUN-demo/probe@remote': pass, 'RUN-demo/contract@local': pass, 'RUN-demo/contract@remote': pass, 'RUN-demo/plain@local': stats({ latest: latest('failed') }) });
    expect(result!.flag).toBeNull();
  });

  it('does not call a check that passed before and is running again "never run"', () => {
    const pass = stats({ latest: passedAt('2026-11-26T09:00:00.000Z'), lastPassAt: '2026-11-26T09:00:00.000Z' });
    const result = fresh({
      'RUN-demo/probe@local': stats({ latest: latest('running'), lastPassAt: '2026-11-26T08:00:00.000Z' }),
      'RUN-demo/probe@remote': pass,
      'RUN-demo/contract@local': pass,
      'RUN-demo/contract@remote': pass,
    });
    expect(result).toMatchObject({ failing: [], neverRun: [], flag: null });
  });

  it('counts a check whose only run is queued as never run, and a cancelled last run as neither', () => {
    const result = fresh({ 'RUN-demo/probe@local': stats({ latest: latest('queued') }), 'RUN-demo/probe@remote': stats({ latest: latest('cancelled') }) });
    expect(result!.neverRun).toContain('RUN-demo/probe@local');
    expect(result!.neverRun).not.toContain('RUN-demo/probe@remote');
    expect(result!.failing).toEqual([]);
  });

  // "failing" is judged by the newest finished run, not by a run that is going now.
  it('keeps a check that failed and is running again in failing', () => {
    const result = fresh({ 'RUN-demo/probe@local': stats({ latest: latest('running'), finished7d: 1, durations: [2000], lastFinished: { status: 'failed', finishedAt: '2026-11-26T10:00:02.000Z' } }) });
    expect(result!.failing).toContain('RUN-demo/probe@local');
    expect(result!.neverRun).not.toContain('RUN-demo/probe@local');
  });
});
