import tarStream from 'tar-stream';
import type { DockerClient } from '../docker/index.ts';
import { statusCodeOf } from '../docker/index.ts';
import type { ReadBackFile } from './check-observations.ts';

const MAX_READ_BACK_BYTES = 4 * 1024 * 1024;

/**
 * Reads files from a stopped container through the archive API; missing ones are null.
 * Each is keyed as the assertion wrote it, and read from its absolute path.
 */
export async function readBackFiles(docker: DockerClient, containerId: string, wanted: Array<{ key: string; path: string }>): Promise<Map<string, ReadBackFile | null>> {
  const files = new Map<string, ReadBackFile | null>();
  for (const { key, path } of wanted) {
    try {
      const tar = await docker.getArchive(containerId, path);
      files.set(key, await firstRegularFile(tar));
    } catch (error) {
      const status = statusCodeOf(error) ?? statusCodeOf((error as { cause?: unknown }).cause);
      if (status !== 404) throw error;
      files.set(key, null);
    }
  }
  return files;
}

/** The file a tar of one path holds, with its owner; null when the path is a folder or anything else. */
function firstRegularFile(tar: Buffer): Promise<ReadBackFile | null> {
  return new Promise((resolve, reject) => {
    const extract = tarStream.extract();
    let found: ReadBackFile | null = null;
    let first = true;
    extract.on('entry', (header, stream, next) => {
      // Only the first entry is the path itself; a folder's files follow it.
      const isThePath = first;
      first = false;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (size <= MAX_READ_BACK_BYTES) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (isThePath && header.type === 'file') {
          // The tar mode carries the file type bits too; assertions judge the permissions.
          found = { content: Buffer.concat(chunks), uid: header.uid ?? -1, gid: header.gid ?? -1, mode: (header.mode ?? 0) & 0o7777 };
        }
        next();
      });
      stream.resume();
    });
    extract.on('finish', () => resolve(found));
    extract.on('error', reject);
    extract.end(tar);
  });
}
