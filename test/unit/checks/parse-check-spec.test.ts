import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSERTION_KINDS } from '../../../src/lib/checks/check-spec-schema.ts';
import { parseCheckSpec, type ParsedCheckSpec } from '../../../src/lib/checks/parse-check-spec.ts';

/** The shipped ```yaml { check name=contract-smoke } block, and the doc line of its first YAML line. */
function shippedContractSmoke(): { source: string; firstLine: number } {
  const lines = readFileSync(new URL('../../../content/runbooks/runbook-runner-image.md', import.meta.url), 'utf8').split('\n');
  const fence = lines.findIndex((line) => /^```yaml \{ check name=contract-smoke\b/.test(line));
  if (fence < 0) throw new Error('the runbook has no contract-smoke check block');
  const close = lines.findIndex((line, index) => index > fence && line.startsWith('```'));
  return { source: `${lines.slice(fence + 1, close).join('\n')}\n`, firstLine: fence + 2 };
}

/** Block lines start at doc line 40, so every message shows the offset applied. */
const FIRST_LINE = 40;

function errorsOf(source: string, firstLine = FIRST_LINE): string[] {
  const parsed: ParsedCheckSpec = parseCheckSpec(source, firstLine);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
  return parsed.errors;
}

const OK_EXPECT = 'expect:\n  - exit_code: 0\n';

describe('parseCheckSpec: the shipped contract-smoke check', () => {
  const { source, firstLine } = shippedContractSmoke();

  it('finds the block where the runbook has it', () => {
    expect(source.startsWith('use: REF-runner-contract#runner-work\nimage: $RUNNER_IMAGE\n')).toBe(true);
    expect(firstLine).toBe(98);
  });

  it('parses with the image left as written and every hardening flag read', () => {
    const parsed = parseCheckSpec(source, firstLine);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const spec = parsed.spec;
    expect(spec.image).toBe('$RUNNER_IMAGE');
    expect(spec.use).toEqual(['REF-runner-contract#runner-work']);
    expect(spec.timeout).toBe('20s');
    expect(spec.hardening).toEqual({
      user: '10001',
      read_only: true,
      network: 'none',
      cap_drop: ['ALL'],
      no_new_privileges: true,
      pids_limit: 64,
      memory: '256m',
      tmpfs: ['/tmp'],
    });
    expect(spec.env).toEqual({});
    expect(spec.command).toBeUndefined();
    expect(spec.entrypoint).toBeUndefined();
  });

  it('reads its own files: the script from the system folder, saved settings and both uploads with their exact content', () => {
    const parsed = parseCheckSpec(source, firstLine);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.spec.files).toEqual([
      { path: '/work/script.py', from: 'tools/contract_smoke.py' },
      { path: '/work/memory.json', json: { settings: { greeting: 'hej', language: 'sv' } } },
      { path: '/work/input/grades.csv', content: 'name,grade\nAda,A\nBo,B\n' },
      { path: '/work/input/notes.txt', content: 'remember the milk\n' },
    ]);
    // The manifest assertion in the same block relies on these sizes.
    expect(Buffer.byteLength(parsed.spec.files[2]!.content!)).toBe(22);
    expect(Buffer.byteLength(parsed.spec.files[3]!.content!)).toBe(18);
    expect(parsed.spec.volumes).toEqual([]);
  });

  it('reads all 12 expectations, with names, citations and the regex unescaped by YAML', () => {
    const parsed = parseCheckSpec(source, firstLine);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const expectations = parsed.spec.expect;
    expect(expectations).toHaveLength(12);
    expect(expectations[0]).toEqual({ name: 'the runner exits 0 after writing its result', exit_code: 0, because: 'ADR-0015#exit-code' });
    expect(expectations[2]!.matches).toBe('input grades\\.csv 22 bytes ok\\ninput notes\\.txt 18 bytes ok');
    expect(expectations[3]).toMatchObject({ file: 'result.json', exists: true });
    expect(expectations.map((e) => e.schema).filter(Boolean)).toEqual(['REF-runner-contract#runner-result-v2', 'REF-runner-contract#runner-artifact-paths']);
    expect(expectations[7]).toEqual({
      name: 'the image is labelled with runner contract 2',
      image_labels: { contains: { 'org.skriptoteket.runner.contract': '2' } },
      because: 'ADR-0015#contract-version-label',
    });
    expect(expectations.slice(9)).toEqual([
      { runtime_read_only_root: true, because: 'ADR-0014#read-only-root-file-system' },
      { runtime_network: 'none', because: 'ADR-0014#no-network' },
      { runtime_cap_drop: 'ALL', because: 'ADR-0014#no-capabilities' },
    ]);
    expect(expectations.every((e) => typeof e.because === 'string')).toBe(true);
  });
});

describe('parseCheckSpec: defaults', () => {
  it('fills timeout, env, hardening and files for a minimal spec', () => {
    expect(parseCheckSpec(`image: runner:latest\n${OK_EXPECT}`, 1)).toEqual({
      ok: true,
      spec: {
        image: 'runner:latest',
        timeout: '60s',
        use: [],
        env: {},
        hardening: {},
        files: [],
        volumes: [],
        expect: [{ exit_code: 0 }],
      },
    });
  });

  it('keeps only the hardening flags that are given, so fixtures can be merged under them', () => {
    const parsed = parseCheckSpec(`image: x\nhardening:\n  user: 10001\n  network: none\n${OK_EXPECT}`, 1);
    expect(parsed.ok && parsed.spec.hardening).toEqual({ user: 10001, network: 'none' });
  });

  it('takes use: as one reference or a list', () => {
    const one = parseCheckSpec(`use: REF-app#layout\nimage: x\n${OK_EXPECT}`, 1);
    expect(one.ok && one.spec.use).toEqual(['REF-app#layout']);
    const two = parseCheckSpec(`use: [REF-app#layout, REF-app#secrets]\nimage: x\n${OK_EXPECT}`, 1);
    expect(two.ok && two.spec.use).toEqual(['REF-app#layout', 'REF-app#secrets']);
  });

  it('accepts a timeout as a number or with ms, s or m', () => {
    for (const timeout of ['500ms', '20s', '2m', '30']) {
      const parsed = parseCheckSpec(`image: x\ntimeout: ${timeout}\n${OK_EXPECT}`, 1);
      expect(parsed.ok, timeout).toBe(true);
    }
    const numeric = parseCheckSpec(`image: x\ntimeout: 15\n${OK_EXPECT}`, 1);
    expect(numeric.ok && numeric.spec.timeout).toBe(15);
  });
});

describe('parseCheckSpec: errors name the field and its line in the doc', () => {
  it('reports YAML that does not parse at the line of the problem', () => {
    // Line 43 (the 4th block line) is a mapping key indented as if it were a sequence item.
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n   because: ADR-0015\n')).toEqual(['line 43: YAML does not parse: Sequence item without - indicator']);
    expect(errorsOf('image: x\nimage: y\n' + OK_EXPECT)).toEqual(['line 41: YAML does not parse: Map keys must be unique']);
  });

  it('shifts every line number by firstLine', () => {
    const source = 'image: x\nexpect: []\n';
    expect(errorsOf(source, 1)).toEqual(['line 2, expect: list at least one expectation']);
    expect(errorsOf(source, 40)).toEqual(['line 41, expect: list at least one expectation']);
    expect(errorsOf(source, 200)).toEqual(['line 201, expect: list at least one expectation']);
  });

  it('points a missing image at the start of the block', () => {
    expect(errorsOf(`timeout: 5s\n${OK_EXPECT}`)).toEqual(['line 40, image: required: the image to run, e.g. $APP_IMAGE']);
  });

  it('rejects an unknown top-level key', () => {
    // The line of `colour:` itself, so an author lands on the typo.
    expect(errorsOf(`image: x\ncolour: blue\n${OK_EXPECT}`)).toEqual(['line 41, colour: Unrecognized key: "colour"']);
  });

  it('rejects an unknown key in an expectation, at that entry', () => {
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n    becuase: ADR-0015\n')).toEqual(['line 43, expect.0.becuase: Unrecognized key: "becuase"']);
  });

  it('rejects an empty or missing expect list', () => {
    expect(errorsOf('image: x\nexpect: []\n')).toEqual(['line 41, expect: list at least one expectation']);
    expect(errorsOf('image: x\n')).toEqual(['line 40, expect: Invalid input: expected array, received undefined']);
  });

  it('rejects an expectation with two kinds, naming both, at the entry', () => {
    expect(errorsOf('image: x\nexpect:\n  - stdout_contains: ok\n  - exit_code: 0\n    file: result.json\n    exists: true\n')).toEqual([
      'line 43, expect.1: give only one of exit_code, file per entry',
    ]);
    expect(errorsOf('image: x\nexpect:\n\n  - exit_code: 0\n    file: result.json\n    exists: true\n')).toEqual(['line 43, expect.0: give only one of exit_code, file per entry']);
  });

  it('rejects an expectation with no kind and lists the kinds', () => {
    expect(errorsOf('image: x\nexpect:\n  - because: ADR-0015\n')).toEqual([`line 42, expect.0: give one of: ${ASSERTION_KINDS.join(', ')}`]);
    expect(ASSERTION_KINDS).toHaveLength(20);
  });

  it('rejects a file entry without a file check, and one with two', () => {
    const message = 'a file entry needs exactly one of: exists, contains, matches, json, schema, mode, owner';
    expect(errorsOf('image: x\nexpect:\n  - file: result.json\n')).toEqual([`line 42, expect.0: ${message} (none was given)`]);
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n  - file: result.json\n    exists: true\n    contains: hej\n')).toEqual([`line 43, expect.1: ${message} (got exists and contains)`]);
  });

  it('rejects a file check without file:, at the line of the check', () => {
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n  - stdout_contains: a\n    contains: hej\n')).toEqual(['line 44, expect.1.contains: contains only goes with file:']);
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n    schema: REF-app#result\n')).toEqual(['line 43, expect.0.schema: schema only goes with file:']);
  });

  it('rejects an invalid regular expression with the engine\'s reason', () => {
    expect(errorsOf('image: x\nexpect:\n  - file: out.txt\n    matches: "a(b"\n')).toEqual([
      'line 43, expect.0.matches: not a valid regular expression: Invalid regular expression: /a(b/: Unterminated group',
    ]);
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n  - stderr_matches: "[z-a]"\n')).toEqual([
      'line 43, expect.1.stderr_matches: not a valid regular expression: Invalid regular expression: /[z-a]/: Range out of order in character class',
    ]);
  });

  it('rejects a schema that is not cited as doc#name', () => {
    expect(errorsOf('image: x\nexpect:\n  - file: result.json\n    schema: result-v3\n')).toEqual([
      'line 43, expect.0.schema: write the doc id and the block name, like REF-app-contract#app-result',
    ]);
  });

  it('rejects a because that is not a doc id', () => {
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n    because: see ADR 15\n')).toEqual([
      'line 43, expect.0.because: write a doc id with an optional anchor, like ADR-0015#artifact-path-safety',
    ]);
  });

  it('rejects a timeout that is not a duration', () => {
    expect(errorsOf(`image: x\ntimeout: soon\n${OK_EXPECT}`)).toEqual(['line 41, timeout: write a duration like 20s, 2m or 500ms']);
    expect(errorsOf(`image: x\ntimeout: 0\n${OK_EXPECT}`)).toEqual(['line 41, timeout: Too small: expected number to be >0']);
  });

  it('rejects a placed file that is not an absolute container path, and a from: that leaves the system folder', () => {
    expect(errorsOf(`image: x\nfiles:\n  - { path: etc/app.conf, content: x }\n${OK_EXPECT}`)).toEqual([
      'line 42, files.0.path: an absolute path in the container without .., like /data/config.json',
    ]);
    expect(errorsOf(`image: x\nfiles:\n  - { path: /work/../etc/passwd, content: x }\n${OK_EXPECT}`)).toEqual([
      'line 42, files.0.path: an absolute path in the container without .., like /data/config.json',
    ]);
    expect(errorsOf(`image: x\nfiles:\n  - { path: /work/a.py, from: /etc/passwd }\n${OK_EXPECT}`)).toEqual([
      'line 42, files.0.from: a relative path inside the system folder without .., like tools/smoke.py',
    ]);
  });

  it('rejects a placed file with no content or with two, naming what it takes', () => {
    expect(errorsOf(`image: x\nfiles:\n  - { path: /work/a }\n${OK_EXPECT}`)).toEqual([
      'line 42, files.0: give what the file holds: one of content, json, yaml, from, directory',
    ]);
    expect(errorsOf(`image: x\nfiles:\n  - { path: /work/a, content: x, from: a.txt }\n${OK_EXPECT}`)).toEqual(['line 42, files.0: give only one of content, from for /work/a']);
  });

  it('rejects a mode that is not octal, and a volume that is not fresh', () => {
    expect(errorsOf(`image: x\nfiles:\n  - { path: /work/a, content: x, mode: rwx }\n${OK_EXPECT}`)).toEqual([
      'line 42, files.0.mode: write a mode in octal, like "0644" or "0755"',
    ]);
    expect(errorsOf(`image: x\nvolumes:\n  - { path: /work }\n${OK_EXPECT}`)).toEqual([
      'line 42, volumes.0.fresh: only fresh: true volumes exist: a new volume per run, removed after it',
    ]);
  });

  it('rejects a read-back path that climbs with ..', () => {
    expect(errorsOf('image: x\nexpect:\n  - file: ../etc/passwd\n    exists: true\n')).toEqual([
      'line 42, expect.0.file: a path without .., absolute (/etc/app.conf) or relative to the first volume (out/report.txt)',
    ]);
  });

  it('rejects a memory size that is not a size', () => {
    expect(errorsOf(`image: x\nhardening:\n  memory: lots\n${OK_EXPECT}`)).toEqual(['line 42, hardening.memory: write a size like 256m or 1g']);
  });

  it('reports every problem at once, each at its own line', () => {
    expect(errorsOf('image: x\ntimeout: soon\nhardening:\n  memory: lots\nexpect: []\n')).toEqual([
      'line 41, timeout: write a duration like 20s, 2m or 500ms',
      'line 43, hardening.memory: write a size like 256m or 1g',
      'line 44, expect: list at least one expectation',
    ]);
  });

  it('says so when the block is not a mapping at all', () => {
    expect(errorsOf('- a\n- b\n')).toEqual(['line 40, check: Invalid input: expected object, received array']);
    expect(errorsOf('')).toEqual(['line 40, check: Invalid input: expected object, received null']);
  });
});

describe('parseCheckSpec: durations that would mislead a check', () => {
  it('refuses a timeout of zero in any unit', () => {
    expect(parseCheckSpec('image: x\ntimeout: 0s\nexpect:\n  - exit_code: 0\n', 1)).toEqual({ ok: false, errors: ['line 2, timeout: must be longer than zero'] });
  });
});
