import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The words that belong to the systems a docs folder describes, read from the docs
 * themselves: system names (and their first part, the product's name), environment
 * variables the fixtures and checks set (and their prefixes), the names of files they place,
 * the folders they mount, and the names of fixture and schema blocks (with and without a
 * version suffix). Nothing in src/lib may use any of them.
 */
export function systemVocabulary(docsDir: string): string[] {
  const words = new Set<string>();
  for (const file of markdownFiles(docsDir)) {
    const text = readFileSync(file, 'utf8');
    const system = /^system:\s*([\w.-]+)\s*$/m.exec(text)?.[1];
    if (system) {
      words.add(system);
      words.add(system.split('-')[0]!);
    }
    for (const match of text.matchAll(/^```(\w+) \{([^}]*)\}\n([\s\S]*?)\n```/gm)) {
      const [, lang, info, body] = match as unknown as [string, string, string, string];
      const name = /\bname=([\w.-]+)/.exec(info)?.[1];
      if (/\b(fixture|schema)\b/.test(info) && name) {
        words.add(name);
        words.add(name.replace(/-v\d+$/, ''));
      }
      if (lang !== 'yaml' || !/\b(fixture|check)\b/.test(info)) continue;
      const spec = parse(body) as { env?: Record<string, string>; files?: Array<{ path?: string }>; volumes?: Array<{ path?: string }> } | null;
      for (const variable of Object.keys(spec?.env ?? {})) {
        words.add(variable);
        if (variable.includes('_')) words.add(`${variable.split('_')[0]}_`);
      }
      for (const placed of spec?.files ?? []) {
        const base = path.posix.basename(placed.path ?? '');
        if (base.includes('.')) words.add(base);
      }
      for (const volume of spec?.volumes ?? []) if (volume.path) words.add(volume.path);
    }
  }
  return [...words].filter((word) => word.length >= 4).sort();
}

/** The places in `sources` (path → text) where a vocabulary word occurs, case-insensitively, as `file:line: word`. */
export function vocabularyUses(sources: Map<string, string>, words: string[], relativeTo: string): string[] {
  const patterns = words.map((word) => ({ word, pattern: new RegExp(`${escape(word)}${/\w$/.test(word) ? '(?![\\w])' : ''}`, 'i') }));
  const found: string[] = [];
  for (const [file, text] of sources) {
    text.split('\n').forEach((line, index) => {
      for (const { word, pattern } of patterns) if (pattern.test(line)) found.push(`${path.relative(relativeTo, file)}:${index + 1}: ${word}`);
    });
  }
  return found;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}
