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
    expect(source.startsWith('image: $RUNNER_IMAGE\n')).toBe(true);
    expect(firstLine).toBe(84);
  });

  it('parses with the image left as written and every hardening flag read', () => {
    const parsed = parseCheckSpec(source, firstLine);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const spec = parsed.spec;
    expect(spec.image).toBe('$RUNNER_IMAGE');
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

  it('reads the files: script path, memory settings and both inputs with their exact content', () => {
    const parsed = parseCheckSpec(source, firstLine);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.spec.files).toEqual({
      script: { path: 'tools/contract_smoke.py' },
      memory: { settings: { greeting: 'hej', language: 'sv' } },
      inputs: [
        { name: 'grades.csv', content: 'name,grade\nAda,A\nBo,B\n' },
        { name: 'notes.txt', content: 'remember the milk\n' },
      ],
    });
    // The manifest assertion in the same block relies on these sizes.
    expect(Buffer.byteLength(parsed.spec.files.inputs[0]!.content)).toBe(22);
    expect(Buffer.byteLength(parsed.spec.files.inputs[1]!.content)).toBe(18);
  });

  it('reads all 12 expectations, with names, citations and the regex unescaped by YAML', () => {
    const parsed = parseCheckSpec(source, firstLine);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const expectations = parsed.spec.expect;
    expect(expectations).toHaveLength(12);
    expect(expectations[0]).toEqual({ name: 'the runner exits 0 after writing its result', exit_code: 0, because: 'ADR-0015#exit-code' });
    expect(expectations[2]!.matches).toBe('input grades\\.csv 22 bytes ok\\ninput notes\\.txt 18 bytes ok');
    expect(expectations[3]).toMatchObject({ file: 'result.json', exists: true });
    expect(expectations.map((e) => e.schema).filter(Boolean)).toEqual(['runner-result-v2', 'runner-artifact-paths']);
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
        env: {},
        hardening: { read_only: false, cap_drop: [], no_new_privileges: false, tmpfs: [] },
        files: { inputs: [] },
        expect: [{ exit_code: 0 }],
      },
    });
  });

  it('fills the hardening defaults next to the flags that are given', () => {
    const parsed = parseCheckSpec(`image: x\nhardening:\n  user: 10001\n  network: none\n${OK_EXPECT}`, 1);
    expect(parsed.ok && parsed.spec.hardening).toEqual({ user: 10001, network: 'none', read_only: false, cap_drop: [], no_new_privileges: false, tmpfs: [] });
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
    expect(errorsOf(`timeout: 5s\n${OK_EXPECT}`)).toEqual(['line 40, image: required: the image to run, e.g. $RUNNER_IMAGE']);
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
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n    schema: runner-result-v2\n')).toEqual(['line 43, expect.0.schema: schema only goes with file:']);
  });

  it('rejects an invalid regular expression with the engine\'s reason', () => {
    expect(errorsOf('image: x\nexpect:\n  - file: out.txt\n    matches: "a(b"\n')).toEqual([
      'line 43, expect.0.matches: not a valid regular expression: Invalid regular expression: /a(b/: Unterminated group',
    ]);
    expect(errorsOf('image: x\nexpect:\n  - exit_code: 0\n  - stderr_matches: "[z-a]"\n')).toEqual([
      'line 43, expect.1.stderr_matches: not a valid regular expression: Invalid regular expression: /[z-a]/: Range out of order in character class',
    ]);
  });

  it('rejects a schema name that is not registered, listing the ones that are', () => {
    expect(errorsOf('image: x\nexpect:\n  - file: result.json\n    schema: runner-result-v3\n')).toEqual([
      'line 43, expect.0.schema: Invalid option: expected one of "runner-result-v2"|"runner-artifact-paths"|"runner-input-manifest"',
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

  it('rejects an input named with a path', () => {
    expect(errorsOf(`image: x\nfiles:\n  inputs:\n    - name: ../x\n      content: hej\n${OK_EXPECT}`)).toEqual([
      'line 43, files.inputs.0.name: a plain file name: ASCII letters, digits, ".", "_", "-" and spaces, no folders',
    ]);
  });

  it('rejects a file path that leaves /work', () => {
    expect(errorsOf('image: x\nexpect:\n  - file: ../etc/passwd\n    exists: true\n')).toEqual([
      'line 42, expect.0.file: a relative path without .., like result.json or output/report.txt (inside /work)',
    ]);
  });

  it('rejects a script path that leaves the system folder, and a script given both ways', () => {
    // The wording is shared with `file:`; for script.path it should speak of the system folder, not /work.
    expect(errorsOf(`image: x\nfiles:\n  script: { path: /etc/passwd }\n${OK_EXPECT}`)).toEqual([
      'line 42, files.script.path: a relative path without .., like tools/contract_smoke.py (inside the system folder)',
    ]);
    expect(errorsOf(`image: x\nfiles:\n  script: { path: a.py, inline: x }\n${OK_EXPECT}`)).toEqual(['line 42, files.script: give either path: (a file in the system folder) or inline: (the script itself), not both']);
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

describe('parseCheckSpec: inputs and durations that would mislead a check', () => {
  it('refuses an input called manifest.json and two inputs with one name', () => {
    const spec = 'image: x\nfiles:\n  inputs:\n    - { name: manifest.json, content: "{}" }\n    - { name: a.txt, content: one }\n    - { name: a.txt, content: two }\nexpect:\n  - exit_code: 0\n';
    expect(parseCheckSpec(spec, 1)).toEqual({
      ok: false,
      errors: [
        'line 4, files.inputs.0.name: manifest.json is written by the check itself; give the input another name',
        'line 6, files.inputs.2.name: another input is already named a.txt; names must be unique',
      ],
    });
  });

  it('refuses a timeout of zero in any unit', () => {
    expect(parseCheckSpec('image: x\ntimeout: 0s\nexpect:\n  - exit_code: 0\n', 1)).toEqual({ ok: false, errors: ['line 2, timeout: must be longer than zero'] });
  });
});
