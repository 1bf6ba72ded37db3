import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One import that breaks the layering, with the rule it breaks and how to mend it. */
export interface LayerViolation {
  file: string;
  specifier: string;
  rule: 'downward-only' | 'public-face' | 'known-domain';
  message: string;
}

/** The relative import specifiers of a TypeScript or Astro file, types included. */
export function importSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?\sfrom\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

/** Every .ts, .mjs and .astro file under a folder, as absolute paths. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|astro)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Checks imports against the declared layers. `files` maps absolute paths to their text;
 * files outside `lib` (pages, components, the CLI) may use any domain, through its index.
 */
export function layerViolations(files: Map<string, string>, lib: string, layers: readonly string[], repoRoot: string): LayerViolation[] {
  const rank = new Map(layers.map((name, index) => [name, index]));
  const domainOf = (file: string): string | null => {
    const rel = path.relative(lib, file);
    return rel.startsWith('..') || path.isAbsolute(rel) ? null : (rel.split(path.sep)[0] ?? null);
  };
  const violations: LayerViolation[] = [];
  for (const [file, text] of files) {
    const shown = path.relative(repoRoot, file);
    const from = domainOf(file);
    if (from !== null && !rank.has(from) && !file.endsWith('.json')) {
      violations.push({ file: shown, specifier: '', rule: 'known-domain', message: `${shown}: src/lib/${from} is not a declared layer; add '${from}' to src/lib/layers.json and draw it in src/lib/README.md` });
      continue;
    }
    for (const specifier of importSpecifiers(text)) {
      const target = path.resolve(path.dirname(file), specifier);
      const to = domainOf(target);
      if (to === null || to === from) continue;
      if (!rank.has(to)) continue;
      const face = path.relative(path.join(lib, to), target);
      // browser.ts is the second public face: values the page scripts may bundle.
      const throughIndex = face === 'index.ts' || face === 'browser.ts';
      if (from !== null && rank.get(to)! > rank.get(from)!) {
        violations.push({
          file: shown,
          specifier,
          rule: 'downward-only',
          message:
            `${shown} imports '${specifier}': ${from} (layer ${rank.get(from)! + 1}) may not import ${to} (layer ${rank.get(to)! + 1}), because imports go only downward (src/lib/README.md). ` +
            `Move what ${from} needs down into ${from} or a lower layer, or have ${to} pass it in.`,
        });
      } else if (!throughIndex) {
        violations.push({
          file: shown,
          specifier,
          rule: 'public-face',
          message: `${shown} imports '${specifier}', inside src/lib/${to}: other domains import only its public face. Import from '${path.relative(path.dirname(file), path.join(lib, to, 'index.ts'))}' and export what is needed there.`,
        });
      }
    }
  }
  return violations;
}

/** The domain-level import graph of src/lib: domain → the domains it imports. */
export function domainGraph(files: Map<string, string>, lib: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const from = path.relative(lib, file).split(path.sep)[0]!;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const specifier of importSpecifiers(text)) {
      const rel = path.relative(lib, path.resolve(path.dirname(file), specifier));
      if (rel.startsWith('..')) continue;
      const to = rel.split(path.sep)[0]!;
      if (to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** A cycle in a graph as a path (first node repeated last), or null when there is none. */
export function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

/** Reads files into the map `layerViolations` takes. */
export function readAll(paths: string[]): Map<string, string> {
  return new Map(paths.map((file) => [file, readFileSync(file, 'utf8')]));
}

/** One import statement: what it names, and whether it brings in types only. */
export interface ImportStatement {
  specifier: string;
  typeOnly: boolean;
}

/** Every import statement of a file, with bare package names as well as relative paths. */
export function importStatements(text: string): ImportStatement[] {
  return [...text.matchAll(/^\s*import\s+(type\s+)?(?:[^'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm)].map((match) => ({ specifier: match[2]!, typeOnly: Boolean(match[1]) }));
}

/** Files reachable from `entry` through relative imports, the entry included. */
export function reachableFiles(entry: string, read: (file: string) => string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier } of importStatements(read(file))) if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
  };
  visit(entry);
  return [...seen];
}
