import matter from 'gray-matter';
import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';

/** A markdown file split into its frontmatter and body. */
export type ParsedFrontmatter =
  | {
      ok: true;
      hasFrontmatter: boolean;
      data: Record<string, unknown>;
      body: string;
      bodyStartLine: number;
      /** The 1-based file line of each top-level key, for findings that point at one. */
      keyLines: Record<string, number>;
    }
  | { ok: false; error: string; line: number | null; column: number | null; body: string; bodyStartLine: number };

const DEFAULT_DELIMITERS: [string, string] = ['---', '---'];

/**
 * Splits frontmatter from markdown. gray-matter finds the fences (the contract may name its
 * own) and js-yaml reads the YAML the way docs-as-code tools do: PyYAML and js-yaml accept a
 * quoted title or a flow list continued at column 0, so it is accepted here too. The core
 * schema has no timestamp type, so dates keep the text the author wrote and `2026-13-01` is
 * reported instead of rolling over. Broken YAML is a value, not a throw, so one bad doc never
 * takes the site down; its line and column point into the file.
 */
export function parseFrontmatter(source: string, delimiters: [string, string] = DEFAULT_DELIMITERS): ParsedFrontmatter {
  const fence = fenceOf(source, delimiters);
  if (!fence) return { ok: true, hasFrontmatter: false, data: {}, body: source, bodyStartLine: 1, keyLines: {} };
  const bodyStartLine = fence.lines + 1;
  try {
    // Passing options also bypasses gray-matter's cache, which would hand every caller one shared object.
    const parsed = matter(source, { delimiters, engines: { yaml: (text: string) => (loadYaml(text, { schema: CORE_SCHEMA }) ?? {}) as object } });
    const data = parsed.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data) ? parsed.data : {};
    return { ok: true, hasFrontmatter: true, data: data as Record<string, unknown>, body: parsed.content, bodyStartLine, keyLines: keyLinesOf(source.slice(0, fence.length)) };
  } catch (error) {
    const mark = error instanceof YAMLException ? error.mark : null;
    // The YAML starts on the line after the opening fence.
    const line = mark ? mark.line + 2 : null;
    const column = mark ? mark.column + 1 : null;
    const reason = error instanceof YAMLException ? error.reason : ((error as Error).message.split('\n')[0] ?? 'unreadable YAML');
    return { ok: false, error: `${reason}${line ? ` (line ${line}, column ${column})` : ''}`, line, column, body: source.slice(fence.length), bodyStartLine };
  }
}

/** The frontmatter block at the very start of a file: its length in characters and lines. */
function fenceOf(source: string, [open, close]: [string, string]): { length: number; lines: number } | null {
  const firstEnd = source.indexOf('\n');
  if (firstEnd < 0 || source.slice(0, firstEnd).replace(/\r$/, '').trimEnd() !== open) return null;
  let lines = 1;
  for (let at = firstEnd + 1; at < source.length; ) {
    const end = source.indexOf('\n', at);
    const line = source.slice(at, end < 0 ? source.length : end).replace(/\r$/, '');
    lines += 1;
    if (line.trimEnd() === close) return { length: end < 0 ? source.length : end + 1, lines };
    if (end < 0) break;
    at = end + 1;
  }
  return null;
}

/** Where each top-level key of the frontmatter starts (keys at column 0). */
function keyLinesOf(frontmatter: string): Record<string, number> {
  const lines: Record<string, number> = {};
  frontmatter.split('\n').forEach((line, index) => {
    const key = /^([A-Za-z0-9_][\w.-]*)\s*:/.exec(line)?.[1];
    if (key && !(key in lines)) lines[key] = index + 1;
  });
  return lines;
}
