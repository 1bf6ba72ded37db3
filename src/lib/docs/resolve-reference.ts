import path from 'node:path';
import type { RepositoryLocation } from './repository-root.ts';

/** What a reference leads to. */
export type Resolution =
  | { kind: 'doc'; id: string; anchor: string | null }
  /** A folder inside the docs folder; `indexId` is its index or README doc, when it has one. */
  | { kind: 'folder'; path: string; indexId: string | null }
  /** A file or folder of the repository that is not a doc; `path` is repository-relative. */
  | { kind: 'repository'; path: string; folder: boolean }
  | { kind: 'broken'; reason: string };

/** The lookups a resolver needs from the loaded docs and the repository around them. */
export interface DocIndex {
  hasId(id: string): boolean;
  /** The doc at a docs-relative path. */
  idForPath(relativePath: string): string | null;
  /** Where the docs folder is in its repository. */
  location: RepositoryLocation;
  /** Whether a repository-relative path is a file, a folder, or nothing. */
  entryAt(repositoryRelative: string): 'file' | 'folder' | null;
}

const INDEX_NAMES = ['index.md', 'README.md', 'readme.md'];

/**
 * Resolves an id, or a path written in the doc at `fromPath` (docs-relative), trying in
 * order the doc's own folder, the docs folder and the repository root. A path that exists in
 * the repository is valid even outside the docs folder; nothing outside the repository is
 * ever looked at.
 */
export function resolveReference(kind: 'id' | 'path', target: string, fromPath: string, index: DocIndex): Resolution {
  if (kind === 'id') {
    return index.hasId(target) ? { kind: 'doc', id: target, anchor: null } : { kind: 'broken', reason: `no doc has id '${target}'` };
  }
  const [filePart = '', anchor = null] = target.split('#', 2) as [string, string?];
  const written = decodeURIComponentSafe(filePart);
  const { docsPath, inRepository } = index.location;
  const inDocs = (docsRelative: string) => (docsPath ? `${docsPath}/${docsRelative}` : docsRelative);
  const fromDir = path.posix.dirname(fromPath);
  const candidates = [
    inDocs(fromDir === '.' ? written : `${fromDir}/${written}`),
    inDocs(written.replace(/^\/+/, '')),
    written.replace(/^\/+/, ''),
  ]
    .map((candidate) => normalized(candidate).replace(/\/+$/, ''))
    .filter((candidate) => candidate !== '..' && !candidate.startsWith('../') && !path.posix.isAbsolute(candidate));
  if (candidates.length === 0) return { kind: 'broken', reason: `'${filePart}' points outside the ${inRepository ? 'repository' : 'docs folder'}` };
  for (const candidate of new Set(candidates)) {
    const docsRelative = docsRelativeOf(candidate, docsPath);
    const id = docsRelative !== null ? index.idForPath(docsRelative) : null;
    if (id) return { kind: 'doc', id, anchor: anchor || null };
    const entry = index.entryAt(candidate === '' ? '.' : candidate);
    if (entry === 'folder' && docsRelative !== null) {
      const indexId = INDEX_NAMES.map((name) => index.idForPath(docsRelative ? `${docsRelative}/${name}` : name)).find(Boolean) ?? null;
      return { kind: 'folder', path: docsRelative, indexId };
    }
    if (entry) return { kind: 'repository', path: candidate, folder: entry === 'folder' };
  }
  return { kind: 'broken', reason: `'${filePart}' does not exist in the ${inRepository ? 'repository' : 'docs folder'}` };
}

/** True when the first folder of a written path exists where the path would be resolved from. */
export function leadingFolderExists(target: string, fromPath: string, index: DocIndex): boolean {
  const first = target.replace(/^\/+/, '').split('/')[0] ?? '';
  if (!first || first === '.' || first === '..') return false;
  const { docsPath } = index.location;
  const inDocs = (p: string) => (docsPath ? `${docsPath}/${p}` : p);
  const fromDir = path.posix.dirname(fromPath);
  return [inDocs(fromDir === '.' ? first : `${fromDir}/${first}`), inDocs(first), first].some((candidate) => index.entryAt(path.posix.normalize(candidate)) === 'folder');
}

/** A repository-relative path inside the docs folder as a docs-relative one, else null. */
function docsRelativeOf(repositoryRelative: string, docsPath: string): string | null {
  if (!docsPath) return repositoryRelative === '.' ? '' : repositoryRelative;
  if (repositoryRelative === docsPath) return '';
  return repositoryRelative.startsWith(`${docsPath}/`) ? repositoryRelative.slice(docsPath.length + 1) : null;
}

// A path with no '.' or '..' segment and no doubled slash is already normal; most are.
const NEEDS_NORMALIZING = /(?:^|\/)\.\.?(?:\/|$)|\/\//;

/** path.posix.normalize, skipped for the paths it would not change (it was a tenth of a large check). */
function normalized(candidate: string): string {
  return NEEDS_NORMALIZING.test(candidate) ? path.posix.normalize(candidate) : candidate || '.';
}

function decodeURIComponentSafe(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
