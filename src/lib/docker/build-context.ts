import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { pack } from 'tar-fs';
import { BuildContextError } from './errors.ts';

/** A build context whose Dockerfile has been checked to lie inside it. */
export interface ResolvedBuildContext {
  /** Absolute path of the context directory. */
  contextDir: string;
  /** The Dockerfile relative to the context, with `/` separators, as the engine expects it. */
  dockerfile: string;
}

/**
 * Checks the context directory exists and that the Dockerfile (relative to the context, or an
 * absolute path inside it) is a file within the context; throws `BuildContextError` otherwise.
 */
export function resolveBuildContext(contextDir: string, dockerfile = 'Dockerfile'): ResolvedBuildContext {
  const root = path.resolve(contextDir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new BuildContextError(contextDir, 'the directory does not exist');
  }
  const file = path.resolve(root, dockerfile);
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new BuildContextError(contextDir, `the Dockerfile "${dockerfile}" is outside the context`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new BuildContextError(contextDir, `the Dockerfile "${dockerfile}" does not exist in it`);
  }
  return { contextDir: root, dockerfile: relative.split(path.sep).join('/') };
}

/** The `.dockerignore` patterns of a context (empty when it has none). */
export function readDockerignore(contextDir: string): string[] {
  const file = path.join(contextDir, '.dockerignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Decides, per context-relative path, whether it stays out of the tar. Mirrors the docker CLI:
 * the Dockerfile and `.dockerignore` are always sent (the engine drops them from COPY itself when
 * they are ignored), and an ignored directory is only descended into when an exception pattern
 * (`!dir/file`) starts with it.
 */
export function createContextFilter(
  patterns: string[],
  dockerfile: string,
): (relativePath: string, isDirectory: () => boolean) => boolean {
  const matcher = dockerignore().add(patterns);
  const exceptions = patterns
    .filter((p) => p.startsWith('!'))
    .map((p) => p.slice(1).trim().replace(/^\/+/, ''));
  const alwaysSent = new Set(['.dockerignore', dockerfile]);
  const dockerfileParents = new Set<string>();
  for (let dir = path.posix.dirname(dockerfile); dir !== '.'; dir = path.posix.dirname(dir)) dockerfileParents.add(dir);

  return (relativePath, isDirectory) => {
    if (alwaysSent.has(relativePath)) return false;
    if (dockerfileParents.has(relativePath)) return false;
    if (!matcher.ignores(relativePath)) return false;
    if (!isDirectory()) return true;
    // Same rule as moby's archive walker: keep walking if an exception could re-include a child.
    // Unlike moby, tar-fs then also sends the (empty) directory entry itself.
    const dirSlash = `${relativePath}/`;
    return !exceptions.some((exception) => `${exception}/`.startsWith(dirSlash));
  };
}

/**
 * Streams the context as an uncompressed tar honouring `.dockerignore`. Entries are owned by
 * root, as the docker CLI sends them, so builds do not depend on the host user's ids.
 */
export function packBuildContext(context: ResolvedBuildContext): Readable {
  const ignored = createContextFilter(readDockerignore(context.contextDir), context.dockerfile);
  return pack(context.contextDir, {
    // tar-fs hands us the joined path; the matcher works on context-relative `/` paths.
    ignore: (name) => {
      const relative = path.relative(context.contextDir, name).split(path.sep).join('/');
      const isDirectory = (): boolean => {
        try {
          return lstatSync(name).isDirectory();
        } catch {
          return false;
        }
      };
      return ignored(relative, isDirectory);
    },
    map: (header) => ({ ...header, uid: 0, gid: 0 }),
    // Sockets and FIFOs cannot be sent; skip them instead of failing the whole build.
    strict: false,
  }) as unknown as Readable;
}
