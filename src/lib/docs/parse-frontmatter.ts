import matter from 'gray-matter';
import { parse as parseYaml } from 'yaml';

/** A markdown file split into its frontmatter and body. */
export type ParsedFrontmatter =
  | { ok: true; hasFrontmatter: boolean; data: Record<string, unknown>; body: string; bodyStartLine: number }
  | { ok: false; error: string; body: string; bodyStartLine: number };

const FENCE = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/;

/**
 * Splits frontmatter from markdown. gray-matter stays behind this one function so that
 * swapping the YAML reader touches one file. Broken YAML is a value, not a throw, so one
 * bad doc never takes the site down.
 */
export function parseFrontmatter(source: string): ParsedFrontmatter {
  const fence = FENCE.exec(source);
  const bodyStartLine = fence ? fence[0].split('\n').length - (fence[0].endsWith('\n') ? 1 : 0) + 1 : 1;
  if (!fence) return { ok: true, hasFrontmatter: false, data: {}, body: source, bodyStartLine };
  try {
    // The YAML 1.2 core schema keeps dates as the text the author wrote, so `2026-13-01`
    // is reported instead of silently rolling over into January. Passing options also
    // bypasses gray-matter's cache, which would hand every caller one shared object.
    const parsed = matter(source, { engines: { yaml: (text: string) => parseYaml(text) as object } });
    const data = parsed.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data) ? parsed.data : {};
    return { ok: true, hasFrontmatter: true, data: data as Record<string, unknown>, body: parsed.content, bodyStartLine };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'unreadable YAML';
    return { ok: false, error: reason, body: source.slice(fence[0].length), bodyStartLine };
  }
}
