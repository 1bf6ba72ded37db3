import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tarStream from 'tar-stream';
import type { CheckSpec } from './check-spec-schema.ts';

/** The runner contract's fixed places inside the per-run volume. */
export const WORK = {
  root: '/work',
  script: '/work/script.py',
  inputDir: '/work/input',
  manifest: '/work/input/manifest.json',
  memory: '/work/memory.json',
  outputDir: '/work/output',
  result: '/work/result.json',
} as const;

/** What goes into /work before the container starts. */
export interface WorkFolder {
  /** A tar to extract at /work through the archive API. */
  tar: Buffer;
  /** The SKRIPTOTEKET_* environment derived from the files. */
  env: Record<string, string>;
  manifest: { files: Array<{ name: string; path: string; bytes: number }> };
}

/** The folder a check's `script.path` is missing from or escapes. */
export class CheckScriptError extends Error {
  readonly code = 'CheckScriptInvalid';
}

/**
 * Builds the work folder for a check: script, memory, inputs and a manifest that lists
 * every input with its name, path and size. Entries are owned by the uid the container
 * runs as, so the tool can write its output without the image's help.
 */
export async function buildWorkFolder(spec: CheckSpec, systemDir: string | null, owner: { uid: number; gid: number; known?: boolean }): Promise<WorkFolder> {
  const pack = tarStream.pack();
  // A user given by name resolves inside the image, so its uid is unknown here: then the
  // work folder is left writable for everyone rather than owned by the wrong uid.
  const open = owner.known === false;
  const add = (name: string, content?: string | Buffer) =>
    new Promise<void>((resolve, reject) => {
      const mode = content === undefined ? (open ? 0o777 : 0o755) : open ? 0o666 : 0o644;
      const header = { name, uid: owner.uid, gid: owner.gid, mtime: new Date(), mode, ...(content === undefined ? { type: 'directory' as const } : {}) };
      if (content === undefined) pack.entry(header, (error) => (error ? reject(error) : resolve()));
      else pack.entry(header, content, (error) => (error ? reject(error) : resolve()));
    });

  const manifest = {
    files: spec.files.inputs.map((input) => ({ name: input.name, path: `${WORK.inputDir}/${input.name}`, bytes: Buffer.byteLength(input.content) })),
  };
  const script = await readScript(spec, systemDir);
  await add('input');
  await add('output');
  if (script !== null) await add('script.py', script);
  if (spec.files.memory) await add('memory.json', `${JSON.stringify(spec.files.memory, null, 2)}\n`);
  for (const input of spec.files.inputs) await add(`input/${input.name}`, input.content);
  await add('input/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  pack.finalize();

  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return {
    tar: Buffer.concat(chunks),
    env: {
      SKRIPTOTEKET_SCRIPT_PATH: WORK.script,
      SKRIPTOTEKET_INPUT_DIR: WORK.inputDir,
      SKRIPTOTEKET_INPUT_MANIFEST: WORK.manifest,
      SKRIPTOTEKET_MEMORY_PATH: WORK.memory,
      SKRIPTOTEKET_OUTPUT_DIR: WORK.outputDir,
      SKRIPTOTEKET_RESULT_PATH: WORK.result,
    },
    manifest,
  };
}

/** The uid and gid a `user:` setting names when numeric; `known: false` for names, which only the image can resolve. */
export function ownerOf(user: string | number | undefined): { uid: number; gid: number; known: boolean } {
  const [uid, gid] = String(user ?? '0').split(':').map(Number);
  const known = Number.isInteger(uid);
  return { uid: known ? uid! : 0, gid: Number.isInteger(gid) ? gid! : known ? uid! : 0, known };
}

async function readScript(spec: CheckSpec, systemDir: string | null): Promise<string | null> {
  const script = spec.files.script;
  if (!script) return null;
  if (script.inline !== undefined) return script.inline;
  if (script.path === undefined) return null;
  if (!systemDir) throw new CheckScriptError(`script.path ${script.path} needs a system folder; give the doc a configured system:`);
  const file = path.resolve(systemDir, script.path);
  if (!file.startsWith(`${path.resolve(systemDir)}${path.sep}`)) throw new CheckScriptError(`script.path ${script.path} leaves the system folder ${systemDir}`);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`;
    throw new CheckScriptError(`script.path ${script.path} ${why} in ${systemDir}; fix the path in the check`);
  }
}
