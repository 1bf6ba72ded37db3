import { describe, expect, it } from 'vitest';
import { classifyCheckBlock, isCheckBlock, isMarkedCheck, type CheckClassification } from '../../../src/lib/checks/classify-check-block.ts';
import type { ResolvedCheck } from '../../../src/lib/checks/resolve-check.ts';

const variables = { RUNNER_IMAGE: 'skriptoteket-runner:latest', GREETING: 'hej' };

const SPEC = `image: $RUNNER_IMAGE
env:
  BRACED: "\${GREETING}, world"
  BARE: $GREETING-$GREETING
  PLAIN: no variables here
command: [python, -c, "print('$GREETING')", "\${RUNNER_IMAGE}"]
entrypoint: ["/bin/sh", "-c", "exec $0 \\"$@\\"", "\${GREETING}"]
files:
  - path: /work/note.txt
    content: "$GREETING stays as written in files"
expect:
  - stdout_contains: $GREETING
`;

function runnable(result: CheckClassification): { spec: ResolvedCheck; variablesUsed: string[] } {
  if (!result.runnable) throw new Error(result.reason);
  expect(result.steps).toHaveLength(1);
  expect(result.steps[0].kind).toBe('check');
  return { spec: result.steps[0].spec, variablesUsed: result.variablesUsed };
}

describe('classifyCheckBlock: variables', () => {
  it('fills $VAR and ${VAR} in image, env values and command', () => {
    const { spec, variablesUsed } = runnable(classifyCheckBlock('yaml', SPEC.replace(/^entrypoint:.*\n/m, ''), 10, variables));
    expect(spec.image).toBe('skriptoteket-runner:latest');
    expect(spec.env).toEqual({ BRACED: 'hej, world', BARE: 'hej-hej', PLAIN: 'no variables here' });
    expect(spec.command).toEqual(['python', '-c', "print('hej')", 'skriptoteket-runner:latest']);
    expect(spec.entrypoint).toBeUndefined();
    expect(variablesUsed).toEqual(['RUNNER_IMAGE', 'GREETING']);
  });

  it('leaves file contents and assertions as written', () => {
    const { spec } = runnable(classifyCheckBlock('yaml', SPEC.replace(/^entrypoint:.*\n/m, ''), 10, variables));
    expect(spec.files).toEqual([{ path: '/work/note.txt', content: '$GREETING stays as written in files' }]);
    expect(spec.expect).toEqual([{ stdout_contains: '$GREETING' }]);
  });

  it('fills ${VAR} in the image too, and runs a block with no variables as it is', () => {
    expect(runnable(classifyCheckBlock('yml', 'image: ${RUNNER_IMAGE}\nexpect:\n  - exit_code: 0\n', 1, variables))).toEqual({
      spec: {
        image: 'skriptoteket-runner:latest',
        timeout: '60s',
        env: {},
        hardening: { read_only: false, cap_drop: [], no_new_privileges: false, tmpfs: [] },
        files: [],
        volumes: [],
        expect: [{ exit_code: 0 }],
        fixtures: [],
        schemas: new Map(),
      },
      variablesUsed: ['RUNNER_IMAGE'],
    });
    expect(runnable(classifyCheckBlock('yaml', 'image: python:3.13-slim\nexpect:\n  - exit_code: 0\n', 1, {})).variablesUsed).toEqual([]);
  });

  it('fills the entrypoint too, leaving $0 and $@ alone: only names after $ are variables', () => {
    const result = classifyCheckBlock('yaml', SPEC, 10, variables);
    expect(runnable(result).spec.entrypoint).toEqual(['/bin/sh', '-c', 'exec $0 "$@"', 'hej']);
  });

  it('refuses an undeclared variable, naming it', () => {
    expect(classifyCheckBlock('yaml', 'image: $RUNNER_IMAGE\nexpect:\n  - exit_code: 0\n', 1, {})).toEqual({
      runnable: false,
      reason: 'variable RUNNER_IMAGE is not declared; declare it under variables in the systems configuration',
    });
  });

  it('names every undeclared variable once, wherever it is used', () => {
    const source = 'image: $RUNNER_IMAGE\nenv:\n  A: $TOKEN\n  B: ${TOKEN}\ncommand: [$MODE]\nexpect:\n  - exit_code: 0\n';
    expect(classifyCheckBlock('yaml', source, 1, { RUNNER_IMAGE: 'x' })).toEqual({
      runnable: false,
      reason: 'variables TOKEN, MODE are not declared; declare them under variables in the systems configuration',
    });
  });
});

describe('classifyCheckBlock: what it refuses', () => {
  it('refuses a check block in a language other than YAML', () => {
    expect(classifyCheckBlock('bash', 'echo hi\n', 10, variables)).toEqual({
      runnable: false,
      reason: 'a check block must be YAML; write it as ```yaml { check name=… }, not bash',
    });
    expect(classifyCheckBlock(null, 'image: x\n', 10, variables)).toEqual({
      runnable: false,
      reason: 'a check block must be YAML; write it as ```yaml { check name=… }',
    });
  });

  it('accepts yaml, yml and check in any case', () => {
    for (const lang of ['yaml', 'YAML', 'yml', 'check']) {
      expect(classifyCheckBlock(lang, 'image: x\nexpect:\n  - exit_code: 0\n', 1, {}).runnable, lang).toBe(true);
    }
  });

  it('refuses an invalid spec with every problem and its doc line', () => {
    expect(classifyCheckBlock('yaml', 'image: $RUNNER_IMAGE\ntimeout: soon\nexpect: []\n', 84, variables)).toEqual({
      runnable: false,
      reason: 'the check spec is invalid: line 85, timeout: write a duration like 20s, 2m or 500ms; line 86, expect: list at least one expectation',
    });
  });

  it('reports an invalid spec before undeclared variables', () => {
    const result = classifyCheckBlock('yaml', 'image: $NOPE\nexpect: []\n', 1, {});
    expect(result).toEqual({ runnable: false, reason: 'the check spec is invalid: line 2, expect: list at least one expectation' });
  });
});

describe('isMarkedCheck and isCheckBlock', () => {
  it('a yaml block marked check is a contract check', () => {
    expect(isMarkedCheck({ check: true, name: 'contract-smoke' })).toBe(true);
    expect(isCheckBlock('yaml', { check: true, name: 'contract-smoke' })).toBe(true);
    expect(isCheckBlock('YML', { check: 'true' })).toBe(true);
  });

  it('a bash block marked check is marked but stays a procedure', () => {
    expect(isMarkedCheck({ check: true, name: 'smoke' })).toBe(true);
    expect(isCheckBlock('bash', { check: true, name: 'smoke' })).toBe(false);
  });

  it('a plain yaml block is neither', () => {
    expect(isMarkedCheck({})).toBe(false);
    expect(isCheckBlock('yaml', {})).toBe(false);
    expect(isCheckBlock('yaml', { name: 'config' })).toBe(false);
  });

  it('check=false and other values do not mark a block', () => {
    expect(isMarkedCheck({ check: false })).toBe(false);
    expect(isMarkedCheck({ check: 'yes' })).toBe(false);
    expect(isCheckBlock('yaml', { check: false })).toBe(false);
  });

  it('a block in the check language is a contract check without the mark', () => {
    expect(isCheckBlock('check', {})).toBe(true);
    expect(isMarkedCheck({})).toBe(false);
    expect(isCheckBlock(null, { check: true })).toBe(false);
  });
});
