import path from 'node:path';

/** What a reference leads to. */
export type Resolution =
  | { kind: 'doc'; id: string; anchor: string | null }
  | { kind: 'broken'; reason: string };

/** The lookups a resolver needs from the loaded docs. */
export interface DocIndex {
  hasId(id: string): boolean;
  idForPath(relativePath: string): string | null;
  /** Leading path segments a repository may put before docs-relative paths (`docs/`). */
  repositoryPrefixes: string[];
}

/** Resolves an id or a .md path written in `fromPath` to a doc, or says why it is broken. */
export function resolveReference(kind: 'id' | 'path', target: string, fromPath: string, index: DocIndex): Resolution {
  if (kind === 'id') {
    return index.hasId(target)
      ? { kind: 'doc', id: target, anchor: null }
      : { kind: 'broken', reason: `no doc has id '${target}'` };
  }
  const [filePart = '', anchor = null] = target.split('#', 2) as [string, string?];
  const candidates = candidatePaths(decodeURIComponentSafe(filePart), fromPath, index.repositoryPrefixes);
  if (candidates.length === 0) return { kind: 'broken', reason: `'${filePart}' points outside the docs folder` };
  for (const candidate of candidates) {
    const id = index.idForPath(candidate);
    if (id) return { kind: 'doc', id, anchor: anchor || null };
  }
  return { kind: 'broken', reason: `file '${filePart}' does not exist in the docs folder` };
}

/**
 * Docs-relative paths a written path may mean: relative to the doc itself, relative to the
 * docs folder, or relative to the repository (`docs/reference/x.md`). Paths that climb out
 * of the docs folder are dropped, so a link can never reach other files.
 */
function candidatePaths(written: string, fromPath: string, repositoryPrefixes: string[]): string[] {
  const fromDir = path.posix.dirname(fromPath);
  const raw = [
    path.posix.join(fromDir, written),
    written.replace(/^\/+/, ''),
    ...repositoryPrefixes.filter((p) => written.startsWith(p)).map((p) => written.slice(p.length)),
  ];
  const inside = raw
    .map((p) => path.posix.normalize(p))
    .filter((p) => !p.startsWith('../') && p !== '..' && !path.posix.isAbsolute(p));
  return [...new Set(inside)];
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
