import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { checkSpecSchema, fixtureSpecSchema, type CheckSpec, type FixtureSpec } from './check-spec-schema.ts';

/** A spec read from a block, or every problem with the line it is on. */
export type ParsedSpec<T> = { ok: true; spec: T } | { ok: false; errors: string[] };
/** A check spec read from a block, or every problem with the line it is on. */
export type ParsedCheckSpec = ParsedSpec<CheckSpec>;

/**
 * Parses a check block's YAML and validates it. Each problem names the field and the
 * line in the doc (`line 41, expect.2.file: …`), so an author can go straight to it.
 * `firstLine` is the line of the block's first YAML line in the doc file.
 */
export function parseCheckSpec(source: string, firstLine: number): ParsedCheckSpec {
  return parseYamlSpec(source, firstLine, checkSpecSchema, 'check');
}

/** Parses a fixture block's YAML the same way, with the same line-numbered problems. */
export function parseFixtureSpec(source: string, firstLine: number): ParsedSpec<FixtureSpec> {
  return parseYamlSpec(source, firstLine, fixtureSpecSchema, 'fixture');
}

function parseYamlSpec<T>(source: string, firstLine: number, schema: z.ZodType<T>, whole: string): ParsedSpec<T> {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1;
  if (document.errors.length > 0) {
    return { ok: false, errors: document.errors.map((e) => `line ${lineOf(e.pos[0])}: YAML does not parse: ${e.message.split('\n')[0]}`) };
  }
  const parsed = schema.safeParse(document.toJS());
  if (parsed.success) return { ok: true, spec: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      // An unknown key is best pointed at where it is written, not at the object holding it.
      const path = [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])].map(String);
      const line = lineForPath(document, path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), lineOf);
      return `line ${line}, ${path.join('.') || whole}: ${issue.message}`;
    }),
  };
}

/** The line of the deepest node along `path` that exists, so a missing key points at its parent. */
function lineForPath(document: ReturnType<typeof parseDocument>, path: Array<string | number>, lineOf: (offset: number) => number): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineOf(node.range[0]);
  }
  return lineOf(0);
}
