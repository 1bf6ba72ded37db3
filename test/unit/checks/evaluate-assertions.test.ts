import { describe, expect, it } from 'vitest';
import { assertionLabel } from '../../../src/lib/checks/assertion-label.ts';
import type { AssertionSpec } from '../../../src/lib/checks/check-spec-schema.ts';
import type { AssertionVerdict, CheckObservations, ReadBackFile } from '../../../src/lib/checks/check-observations.ts';
import { evaluateAssertions, filesToReadBack } from '../../../src/lib/checks/evaluate-assertions.ts';
import { compileJsonSchema, type JsonSchemaCheck } from '../../../src/lib/checks/json-schema-validator.ts';
import type { ContainerFacts, ImageDetails } from '../../../src/lib/docker/docker-client.ts';

const IMAGE: ImageDetails = {
  id: 'sha256:runner',
  tags: ['skriptoteket-runner:latest'],
  sizeBytes: 123_456,
  user: '10001',
  env: { PATH: '/usr/local/bin:/usr/bin', PYTHONUNBUFFERED: '1' },
  cmd: ['python', '-m', 'runner'],
  entrypoint: [],
  labels: {},
  workingDir: '/work',
  digests: [],
  exposedPorts: [],
  volumes: [],
};

const CONTAINER: ContainerFacts = {
  id: 'c0ffee',
  user: '10001',
  readOnlyRootfs: true,
  networkMode: 'none',
  capDrop: ['ALL'],
  capAdd: [],
  securityOpt: ['no-new-privileges'],
  pidsLimit: 64,
  memoryBytes: 268_435_456,
  exitCode: 0,
  oomKilled: false,
};

const RESULT_V2 = {
  contract_version: 2,
  status: 'succeeded',
  error_summary: null,
  outputs: [{ kind: 'text', text: 'hej' }],
  artifacts: [{ path: 'output/report.txt', bytes: 42 }],
};

const file = (content: string | object, uid = 10001): ReadBackFile => ({
  content: Buffer.from(typeof content === 'string' ? content : JSON.stringify(content)),
  uid,
  gid: uid,
  mode: 0o644,
});

/** A clean, finished run; each test overrides what it is about. */
function seen(overrides: Partial<CheckObservations> = {}): CheckObservations {
  return {
    exitCode: 0,
    timedOut: false,
    timeoutMs: 20_000,
    stdout: 'starting\nresult written\n',
    stderr: '',
    files: new Map<string, ReadBackFile | null>([
      ['result.json', file(RESULT_V2)],
      ['output/report.txt', file('greeting=hej\ninput grades.csv 22 bytes ok\n')],
      ['output/missing.txt', null],
    ]),
    image: IMAGE,
    container: CONTAINER,
    ...overrides,
  };
}

function compiled(schema: object): JsonSchemaCheck {
  const result = compileJsonSchema(schema);
  if (!result.ok) throw new Error(result.reason);
  return result.check;
}

/** Schemas as a doc would declare them, by the reference a check cites. */
const SCHEMAS = new Map<string, JsonSchemaCheck>([
  [
    'REF-app#result',
    compiled({
      type: 'object',
      required: ['contract_version', 'status', 'error_summary', 'outputs', 'artifacts'],
      additionalProperties: false,
      properties: {
        contract_version: { const: 2 },
        status: { enum: ['succeeded', 'failed'] },
        error_summary: { type: ['string', 'null'] },
        outputs: { type: 'array', items: { type: 'object' } },
        artifacts: { type: 'array', items: { type: 'object', required: ['path', 'bytes'], properties: { path: { type: 'string' }, bytes: { type: 'integer' } } } },
      },
    }),
  ],
  ['REF-app#paths', compiled({ type: 'object', properties: { artifacts: { type: 'array', items: { type: 'object', properties: { path: { type: 'string', pattern: '^output/(?!(.*/)?\\.\\.(/|$))' } } } } } })],
]);

/** The one verdict for one assertion, without the index/label/because bookkeeping. */
function judge(spec: AssertionSpec, observations: CheckObservations = seen()): Pick<AssertionVerdict, 'status' | 'expected' | 'actual'> {
  const [verdict] = evaluateAssertions([spec], observations, SCHEMAS);
  return { status: verdict!.status, expected: verdict!.expected, actual: verdict!.actual };
}

const passed = (expected: string, actual: string) => ({ status: 'passed', expected, actual });
const failed = (expected: string, actual: string) => ({ status: 'failed', expected, actual });
const skipped = (actual: string) => ({ status: 'skipped', expected: '—', actual });

describe('evaluateAssertions: exit_code', () => {
  it('passes on the expected code and fails on another', () => {
    expect(judge({ exit_code: 0 })).toEqual(passed('0', '0'));
    expect(judge({ exit_code: 0 }, seen({ exitCode: 3 }))).toEqual(failed('0', '3'));
    expect(judge({ exit_code: 3 }, seen({ exitCode: 3 }))).toEqual(passed('3', '3'));
  });

  it('fails a killed container and says it hit the timeout, even if the code matches', () => {
    expect(judge({ exit_code: 0 }, seen({ timedOut: true, exitCode: null }))).toEqual(failed('0', 'killed after the 20 s timeout'));
    expect(judge({ exit_code: 137 }, seen({ timedOut: true, exitCode: 137, timeoutMs: 500 }))).toEqual(failed('137', 'killed after the 0.5 s timeout'));
  });

  it('says when there is no exit code at all', () => {
    expect(judge({ exit_code: 0 }, seen({ exitCode: null }))).toEqual(failed('0', 'no exit code'));
  });
});

describe('evaluateAssertions: stdout and stderr', () => {
  it('checks stdout_contains against the output, showing it trimmed', () => {
    expect(judge({ stdout_contains: 'result written' })).toEqual(passed('result written', 'starting\nresult written'));
    expect(judge({ stdout_contains: 'Traceback' })).toEqual(failed('Traceback', 'starting\nresult written'));
  });

  it('checks stdout_matches per line (multiline mode)', () => {
    expect(judge({ stdout_matches: '^result \\w+$' })).toEqual(passed('/^result \\w+$/', 'starting\nresult written'));
    expect(judge({ stdout_matches: '^written' })).toEqual(failed('/^written/', 'starting\nresult written'));
  });

  it('checks stderr, showing (empty) when nothing was written', () => {
    expect(judge({ stderr_contains: 'Traceback' })).toEqual(failed('Traceback', '(empty)'));
    expect(judge({ stderr_contains: 'Traceback' }, seen({ stderr: 'Traceback (most recent call last):\n' }))).toEqual(
      passed('Traceback', 'Traceback (most recent call last):'),
    );
    expect(judge({ stderr_matches: 'Error: \\d+' }, seen({ stderr: 'Error: 42' }))).toEqual(passed('/Error: \\d+/', 'Error: 42'));
    expect(judge({ stderr_matches: 'Error: \\d+' })).toEqual(failed('/Error: \\d+/', '(empty)'));
  });

  it('cuts long output to 300 characters and an ellipsis', () => {
    const { actual } = judge({ stdout_contains: 'nope' }, seen({ stdout: `${'x'.repeat(400)}\n` }));
    expect(actual).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('evaluateAssertions: files', () => {
  it('checks exists: true and false, with the size when present', () => {
    const bytes = Buffer.byteLength(JSON.stringify(RESULT_V2));
    expect(judge({ file: 'result.json', exists: true })).toEqual(passed('present', `present, ${bytes} bytes`));
    expect(judge({ file: 'result.json', exists: false })).toEqual(failed('absent', `present, ${bytes} bytes`));
    expect(judge({ file: 'output/missing.txt', exists: true })).toEqual(failed('present', 'absent'));
    expect(judge({ file: 'output/missing.txt', exists: false })).toEqual(passed('absent', 'absent'));
    // A path that was never read back is as absent as one that was not written.
    expect(judge({ file: 'never-read.txt', exists: false })).toEqual(passed('absent', 'absent'));
  });

  it('checks contains and matches on the file text', () => {
    expect(judge({ file: 'output/report.txt', contains: 'greeting=hej' })).toEqual(passed('greeting=hej', 'greeting=hej\ninput grades.csv 22 bytes ok'));
    expect(judge({ file: 'output/report.txt', contains: 'greeting=hallo' })).toEqual(failed('greeting=hallo', 'greeting=hej\ninput grades.csv 22 bytes ok'));
    expect(judge({ file: 'output/report.txt', matches: '^input grades\\.csv \\d+ bytes ok$' }).status).toBe('passed');
    expect(judge({ file: 'output/report.txt', matches: 'notes\\.txt' })).toEqual(failed('/notes\\.txt/', 'greeting=hej\ninput grades.csv 22 bytes ok'));
  });

  it('skips content checks of a file that was not written', () => {
    expect(judge({ file: 'output/missing.txt', contains: 'x' })).toEqual(skipped('output/missing.txt was not written'));
    expect(judge({ file: 'output/missing.txt', matches: 'x' })).toEqual(skipped('output/missing.txt was not written'));
    expect(judge({ file: 'output/missing.txt', json: { a: 1 } })).toEqual(skipped('output/missing.txt was not written'));
    expect(judge({ file: 'output/missing.txt', schema: 'REF-app#result' })).toEqual(skipped('output/missing.txt was not written'));
  });

  it('compares json values at dotted paths, also into arrays', () => {
    expect(judge({ file: 'result.json', json: { status: 'succeeded', 'artifacts.0.bytes': 42, error_summary: null } })).toEqual(
      passed('status = "succeeded", artifacts.0.bytes = 42, error_summary = null', 'status = "succeeded", artifacts.0.bytes = 42, error_summary = null'),
    );
    expect(judge({ file: 'result.json', json: { 'outputs.0': { kind: 'text', text: 'hej' } } }).status).toBe('passed');
  });

  it('lists only the json paths that differ, and missing ones as missing', () => {
    expect(judge({ file: 'result.json', json: { status: 'failed', contract_version: 2, 'outputs.3.kind': 'text', 'status.deeper': 1 } })).toEqual(
      failed(
        'status = "failed", contract_version = 2, outputs.3.kind = "text", status.deeper = 1',
        'status = "succeeded", outputs.3.kind = missing, status.deeper = missing',
      ),
    );
  });

  it('fails json and schema checks of a file that is not JSON', () => {
    const files = new Map([['result.json', file('{not json')]]);
    const notJson = judge({ file: 'result.json', json: { status: 'succeeded' } }, seen({ files }));
    expect(notJson.status).toBe('failed');
    expect(notJson.expected).toBe('valid JSON');
    expect(notJson.actual).toMatch(/^not JSON: /);
    expect(judge({ file: 'result.json', schema: 'REF-app#result' }, seen({ files })).expected).toBe('valid JSON');
  });
});

describe('evaluateAssertions: schemas declared in docs', () => {
  const withResult = (result: object) => seen({ files: new Map([['result.json', file(result)]]) });

  it('passes a file that matches the cited schema', () => {
    expect(judge({ file: 'result.json', schema: 'REF-app#result' })).toEqual(passed('matches REF-app#result', 'matches'));
  });

  it('fails with the JSON pointer, what the schema expected and what the file has', () => {
    expect(judge({ file: 'result.json', schema: 'REF-app#result' }, withResult({ ...RESULT_V2, contract_version: 1 }))).toEqual(
      failed('matches REF-app#result', '/contract_version: expected 2, got 1'),
    );
    expect(judge({ file: 'result.json', schema: 'REF-app#result' }, withResult({ ...RESULT_V2, exit_code: 0 }))).toEqual(
      failed('matches REF-app#result', '/exit_code: expected no such property (additionalProperties is false), got 0'),
    );
    const { error_summary: _left, ...withoutSummary } = RESULT_V2;
    expect(judge({ file: 'result.json', schema: 'REF-app#result' }, withResult({ ...withoutSummary, status: 'done' }))).toEqual(
      failed('matches REF-app#result', '/error_summary: expected a required property, got missing; /status: expected one of "succeeded", "failed", got "done"'),
    );
    expect(judge({ file: 'result.json', schema: 'REF-app#result' }, withResult({ ...RESULT_V2, artifacts: [{ path: 'output/a', bytes: '1' }] }))).toEqual(
      failed('matches REF-app#result', '/artifacts/0/bytes: expected type integer, got string "1"'),
    );
  });

  it('lists every failing item of a pattern, with its place in the array', () => {
    const artifacts = (...paths: string[]) => withResult({ ...RESULT_V2, artifacts: paths.map((path) => ({ path, bytes: 1 })) });
    const spec: AssertionSpec = { file: 'result.json', schema: 'REF-app#paths' };
    expect(judge(spec, artifacts('output/a', 'output/sub/b.txt', 'output/a..b'))).toEqual(passed('matches REF-app#paths', 'matches'));
    const pattern = 'a string matching /^output/(?!(.*/)?\\.\\.(/|$))/';
    expect(judge(spec, artifacts('output/../x'))).toEqual(failed('matches REF-app#paths', `/artifacts/0/path: expected ${pattern}, got "output/../x"`));
    expect(judge(spec, artifacts('output/ok', '/abs', 'output/a/..'))).toEqual(
      failed('matches REF-app#paths', `/artifacts/1/path: expected ${pattern}, got "/abs"; /artifacts/2/path: expected ${pattern}, got "output/a/.."`),
    );
  });

  it('skips, rather than passes, a schema the check was not given', () => {
    expect(judge({ file: 'result.json', schema: 'REF-app#unknown' })).toEqual(skipped('the schema REF-app#unknown was not found'));
  });
});

describe('evaluateAssertions: the image', () => {
  const withUser = (user: string) => seen({ image: { ...IMAGE, user } });

  it('counts an empty user, 0 and root (with or without a group) as root', () => {
    expect(judge({ image_user_not_root: true }, withUser(''))).toEqual(failed('a non-root USER', '(none, so root)'));
    expect(judge({ image_user_not_root: true }, withUser('0'))).toEqual(failed('a non-root USER', '0'));
    expect(judge({ image_user_not_root: true }, withUser('root'))).toEqual(failed('a non-root USER', 'root'));
    expect(judge({ image_user_not_root: true }, withUser('0:0')).status).toBe('failed');
    expect(judge({ image_user_not_root: true }, withUser('root:staff')).status).toBe('failed');
  });

  it('counts a numeric or named non-root user as not root', () => {
    expect(judge({ image_user_not_root: true }, withUser('10001'))).toEqual(passed('a non-root USER', '10001'));
    expect(judge({ image_user_not_root: true }, withUser('runner'))).toEqual(passed('a non-root USER', 'runner'));
    expect(judge({ image_user_not_root: true }, withUser('10001:0'))).toEqual(passed('a non-root USER', '10001:0'));
  });

  it('checks image_env_present, showing the value', () => {
    expect(judge({ image_env_present: 'PYTHONUNBUFFERED' })).toEqual(passed('PYTHONUNBUFFERED in ENV', 'PYTHONUNBUFFERED=1'));
    expect(judge({ image_env_present: 'RUNNER_HOME' })).toEqual(failed('RUNNER_HOME in ENV', 'not set'));
    expect(judge({ image_env_present: 'EMPTY' }, seen({ image: { ...IMAGE, env: { EMPTY: '' } } }))).toEqual(passed('EMPTY in ENV', 'EMPTY='));
  });

  it('checks image_cmd exactly, order and all', () => {
    expect(judge({ image_cmd: { equals: ['python', '-m', 'runner'] } })).toEqual(passed('["python","-m","runner"]', '["python","-m","runner"]'));
    expect(judge({ image_cmd: { equals: ['python', 'runner.py'] } })).toEqual(failed('["python","runner.py"]', '["python","-m","runner"]'));
    expect(judge({ image_cmd: { equals: [] } }, seen({ image: { ...IMAGE, cmd: [] } }))).toEqual(passed('[]', '[]'));
  });

  it('skips image checks when the image could not be inspected', () => {
    for (const spec of [{ image_user_not_root: true }, { image_env_present: 'PATH' }, { image_cmd: { equals: ['x'] } }] as AssertionSpec[]) {
      expect(judge(spec, seen({ image: null }))).toEqual(skipped('the image could not be inspected'));
    }
  });
});

describe('evaluateAssertions: the container at run time', () => {
  it('takes the uid from the first file read back', () => {
    expect(judge({ runtime_uid_not_root: true })).toEqual(passed('uid ≠ 0', 'files written by uid 10001'));
    const rootFirst = new Map<string, ReadBackFile | null>([
      ['result.json', null],
      ['output/a.txt', file('a', 0)],
      ['output/b.txt', file('b', 10001)],
    ]);
    expect(judge({ runtime_uid_not_root: true }, seen({ files: rootFirst }))).toEqual(failed('uid ≠ 0', 'files written by uid 0'));
  });

  it('skips the uid check when the run wrote no file', () => {
    expect(judge({ runtime_uid_not_root: true }, seen({ files: new Map([['result.json', null]]) }))).toEqual(skipped('the run wrote no file to observe its owner'));
    expect(judge({ runtime_uid_not_root: true }, seen({ files: new Map() }))).toEqual(skipped('the run wrote no file to observe its owner'));
  });

  it('checks a read-only root file system', () => {
    expect(judge({ runtime_read_only_root: true })).toEqual(passed('read-only', 'read-only'));
    expect(judge({ runtime_read_only_root: true }, seen({ container: { ...CONTAINER, readOnlyRootfs: false } }))).toEqual(failed('read-only', 'writable'));
  });

  it('checks the network mode, calling an empty one default', () => {
    expect(judge({ runtime_network: 'none' })).toEqual(passed('none', 'none'));
    expect(judge({ runtime_network: 'none' }, seen({ container: { ...CONTAINER, networkMode: 'bridge' } }))).toEqual(failed('none', 'bridge'));
    expect(judge({ runtime_network: 'none' }, seen({ container: { ...CONTAINER, networkMode: '' } }))).toEqual(failed('none', 'default'));
  });

  it('checks dropped capabilities without regard to case', () => {
    expect(judge({ runtime_cap_drop: 'ALL' })).toEqual(passed('ALL', 'ALL'));
    expect(judge({ runtime_cap_drop: 'all' })).toEqual(passed('all', 'ALL'));
    expect(judge({ runtime_cap_drop: 'ALL' }, seen({ container: { ...CONTAINER, capDrop: ['all'] } }))).toEqual(passed('ALL', 'ALL'));
    expect(judge({ runtime_cap_drop: 'ALL' }, seen({ container: { ...CONTAINER, capDrop: ['net_raw', 'MKNOD'] } }))).toEqual(failed('ALL', 'NET_RAW, MKNOD'));
    expect(judge({ runtime_cap_drop: 'ALL' }, seen({ container: { ...CONTAINER, capDrop: [] } }))).toEqual(failed('ALL', 'none dropped'));
  });

  it('skips container checks when the container could not be inspected', () => {
    for (const spec of [{ runtime_read_only_root: true }, { runtime_network: 'none' }, { runtime_cap_drop: 'ALL' }] as AssertionSpec[]) {
      expect(judge(spec, seen({ container: null }))).toEqual(skipped('the container could not be inspected'));
    }
    // The uid comes from the files, so it is still judged.
    expect(judge({ runtime_uid_not_root: true }, seen({ container: null })).status).toBe('passed');
  });
});

describe('evaluateAssertions: verdict bookkeeping', () => {
  it('keeps order and index, labels from name or the generated label, and the citation', () => {
    const specs: AssertionSpec[] = [
      { name: 'the runner exits 0', exit_code: 0, because: 'ADR-0015#exit-code' },
      { file: 'result.json', schema: 'REF-app#result' },
      { runtime_cap_drop: 'ALL', because: 'ADR-0014' },
    ];
    expect(evaluateAssertions(specs, seen(), SCHEMAS)).toEqual([
      { index: 0, label: 'the runner exits 0', status: 'passed', expected: '0', actual: '0', because: 'ADR-0015#exit-code' },
      { index: 1, label: 'result.json validates against REF-app#result', status: 'passed', expected: 'matches REF-app#result', actual: 'matches', because: null },
      { index: 2, label: 'capabilities dropped: ALL', status: 'passed', expected: 'ALL', actual: 'ALL', because: 'ADR-0014' },
    ]);
  });

  it('returns nothing for no assertions', () => {
    expect(evaluateAssertions([], seen())).toEqual([]);
  });
});

describe('assertionLabel', () => {
  it('prefers the name', () => {
    expect(assertionLabel({ name: 'artifacts stay under output/', file: 'result.json', schema: 'REF-app#paths' })).toBe('artifacts stay under output/');
  });

  it('says what each kind claims when there is no name', () => {
    const cases: Array<[AssertionSpec, string]> = [
      [{ exit_code: 0 }, 'exit code is 0'],
      [{ stdout_contains: 'ok' }, 'stdout contains “ok”'],
      [{ stdout_matches: '^ok$' }, 'stdout matches /^ok$/'],
      [{ stderr_contains: 'Traceback' }, 'stderr contains “Traceback”'],
      [{ stderr_matches: 'E\\d+' }, 'stderr matches /E\\d+/'],
      [{ file: 'result.json', exists: true }, 'result.json exists'],
      [{ file: 'result.json', exists: false }, 'result.json does not exist'],
      [{ file: 'output/report.txt', contains: 'greeting=hej' }, 'output/report.txt contains “greeting=hej”'],
      [{ file: 'output/report.txt', matches: 'a+' }, 'output/report.txt matches /a+/'],
      [{ file: 'result.json', schema: 'REF-app#result' }, 'result.json validates against REF-app#result'],
      [{ file: 'result.json', json: { status: 'succeeded', 'artifacts.0.bytes': 1 } }, 'result.json has status, artifacts.0.bytes as expected'],
      [{ image_user_not_root: true }, 'image user is not root'],
      [{ image_env_present: 'PYTHONUNBUFFERED' }, 'image sets PYTHONUNBUFFERED'],
      [{ image_cmd: { equals: ['python', '-m', 'runner'] } }, 'image CMD is ["python","-m","runner"]'],
      [{ runtime_uid_not_root: true }, 'the tool ran as a non-root uid'],
      [{ runtime_read_only_root: true }, 'root file system was read-only'],
      [{ runtime_network: 'none' }, 'network mode was none'],
      [{ runtime_cap_drop: 'ALL' }, 'capabilities dropped: ALL'],
    ];
    for (const [spec, label] of cases) expect(assertionLabel(spec)).toBe(label);
    for (const [spec, label] of cases) expect(evaluateAssertions([spec], seen())[0]!.label).toBe(label);
  });
});

describe('filesToReadBack', () => {
  it('reads each file an assertion names once, in order, and nothing else', () => {
    expect(
      filesToReadBack([
        { exit_code: 0 },
        { file: 'output/report.txt', contains: 'a' },
        { file: 'result.json', schema: 'REF-app#result' },
        { file: 'output/report.txt', matches: 'b' },
        { file: '/etc/app/config.json', exists: true },
      ]),
    ).toEqual(['output/report.txt', 'result.json', '/etc/app/config.json']);
    expect(filesToReadBack([{ runtime_uid_not_root: true }])).toEqual([]);
  });
});

describe('json expectations compare values, not their spelling', () => {
  it('ignores the order of keys in objects', () => {
    const files = new Map([['result.json', { content: Buffer.from('{"outputs":[{"kind":"text","text":"hej"}]}'), uid: 10001, gid: 10001, mode: 0o644 }]]);
    const [verdict] = evaluateAssertions([{ file: 'result.json', json: { 'outputs.0': { text: 'hej', kind: 'text' } } }], {
      exitCode: 0, timedOut: false, timeoutMs: 1000, stdout: '', stderr: '', files, image: null, container: null,
    });
    expect(verdict!.status).toBe('passed');
  });
});
