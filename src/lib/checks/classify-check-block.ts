import { EMPTY_LIBRARY, type ContractLibrary } from './declared-blocks.ts';
import { parseCheckSpec } from './parse-check-spec.ts';
import { resolveCheck, type ResolvedCheck } from './resolve-check.ts';

/** A contract check as a step of a run: fixtures merged in, schemas found. */
export interface CheckStep {
  kind: 'check';
  spec: ResolvedCheck;
}

/** Whether a check block can run, with its step, or every problem in it. */
export type CheckClassification = { runnable: true; steps: [CheckStep]; variablesUsed: string[] } | { runnable: false; reason: string };

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** True for a block annotated `check` (```yaml { check } or ```bash { check }). */
export function isMarkedCheck(annotations: Record<string, string | boolean>): boolean {
  return annotations.check === true || annotations.check === 'true';
}

/**
 * True for a contract check: a YAML block marked `check`. A shell block marked `check` stays
 * a procedure; it counts as a check on the dashboard and passes when its commands succeed.
 */
export function isCheckBlock(lang: string | null, annotations: Record<string, string | boolean>): boolean {
  const language = (lang ?? '').toLowerCase();
  return (isMarkedCheck(annotations) && ['yaml', 'yml'].includes(language)) || language === 'check';
}

/**
 * Validates a check block, merges the fixtures it uses and finds the schemas it cites in
 * `library`, then fills `$VAR` in its image, env, command and entrypoint from the declared
 * variables. `firstLine` is the doc line of the block's first YAML line.
 */
export function classifyCheckBlock(
  lang: string | null,
  source: string,
  firstLine: number,
  variables: Readonly<Record<string, string>>,
  library: ContractLibrary = EMPTY_LIBRARY,
): CheckClassification {
  if (!['yaml', 'yml', 'check'].includes((lang ?? '').toLowerCase())) {
    return { runnable: false, reason: `a check block must be YAML; write it as \`\`\`yaml { check name=… }${lang ? `, not ${lang}` : ''}` };
  }
  const parsed = parseCheckSpec(source, firstLine);
  if (!parsed.ok) return { runnable: false, reason: `the check spec is invalid: ${parsed.errors.join('; ')}` };
  const used: string[] = [];
  const missing: string[] = [];
  const fill = (text: string) =>
    text.replace(VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      if (!used.includes(name)) used.push(name);
      if (!Object.hasOwn(variables, name)) {
        if (!missing.includes(name)) missing.push(name);
        return whole;
      }
      return variables[name]!;
    });
  const resolved = resolveCheck(parsed.spec, library);
  if (!resolved.ok) return { runnable: false, reason: resolved.reason };
  const spec = resolved.check;
  const filled: ResolvedCheck = {
    ...spec,
    image: fill(spec.image),
    env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, fill(v)])),
    ...(spec.command ? { command: spec.command.map(fill) } : {}),
    ...(spec.entrypoint ? { entrypoint: spec.entrypoint.map(fill) } : {}),
  };
  if (missing.length > 0) {
    const names = missing.length === 1 ? `variable ${missing[0]} is` : `variables ${missing.join(', ')} are`;
    return { runnable: false, reason: `${names} not declared; declare ${missing.length === 1 ? 'it' : 'them'} under variables in the systems configuration` };
  }
  return { runnable: true, steps: [{ kind: 'check', spec: filled }], variablesUsed: used };
}
