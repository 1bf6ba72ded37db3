// The CLI's compiled form: src/cli and src/lib bundled into a few JavaScript files, so a
// command starts without Node stripping types from ~150 modules and resolving each package's
// files one by one. On the 1,000-doc bench that start-up was half of `docs-check`'s time.
//
// The bundle is keyed by the sources it came from (path, size and mtime of every file under
// src/cli and src/lib, and the lockfile), so an edited source is never run stale. It is built on
// the first run after a change, with esbuild (which Vite already brings), into a temporary
// folder and renamed into place, so concurrent runs never see half a bundle. Anything that
// goes wrong answers null and the launcher runs the TypeScript sources instead.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCES = ['src/cli', 'src/lib'];
// Inside node_modules so the bundle's bare imports of external packages resolve as the sources' do.
const CACHE = path.join(ROOT, 'node_modules/.cache/runbook-live-cli');
const ENTRY = 'runbook-live.js';
// Left to Node's resolver: native or optional parts (ssh2's crypto binding), and the large
// libraries only some commands load (Docker, the markdown pipeline, the highlighter), which
// would make the bundle megabytes and its build slow for no start-up gain.
const EXTERNAL = [
  'dockerode',
  'docker-modem',
  'ssh2',
  'cpu-features',
  'shiki',
  '@shikijs/*',
  'unified',
  'remark-*',
  'rehype-*',
  'hast-*',
  'mdast-*',
  'micromark*',
];

/** A short hash of every source file's path, size and mtime: changes whenever a source does. */
export function sourceStamp(root = ROOT) {
  let text = '';
  for (const folder of SOURCES) {
    const entries = readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
    for (const file of entries) {
      const stats = statSync(file);
      text += `${path.relative(root, file)}\0${stats.size}\0${stats.mtimeMs}\n`;
    }
  }
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(lock)) text += `lock\0${statSync(lock).mtimeMs}`;
  // CRC-32 and the length: enough to tell source states apart, and cheaper to start than node:crypto.
  return `${crc32(text).toString(16).padStart(8, '0')}${text.length.toString(16)}`;
}

/** Builds the bundle for `stamp`, replacing older ones. */
async function build(stamp, target) {
  const esbuild = await import('esbuild');
  const scratch = `${target}.tmp-${process.pid}`;
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/cli/runbook-live.ts')],
    outdir: scratch,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: EXTERNAL,
    logLevel: 'silent',
    // Bundled CommonJS packages (gray-matter, js-yaml 3) call require for Node built-ins.
    banner: { js: "import { createRequire as __runbookLiveRequire } from 'node:module'; const require = __runbookLiveRequire(import.meta.url);" },
  });
  try {
    renameSync(scratch, target);
  } catch (error) {
    // Another run finished the same bundle first; theirs is as good as ours.
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(path.join(target, ENTRY))) throw error;
  }
  // Older bundles are removed once they are an hour old: another checkout sharing this
  // node_modules (a git worktree) may still be running its own.
  const hourAgo = Date.now() - 60 * 60 * 1000;
  for (const old of readdirSync(CACHE)) {
    const folder = path.join(CACHE, old);
    if (old !== stamp && statSync(folder).mtimeMs < hourAgo) rmSync(folder, { recursive: true, force: true });
  }
}

/** The entry file of an up-to-date bundle, building it when needed; null when it cannot be had. */
export async function bundledEntry() {
  if (process.env.RUNBOOK_LIVE_CLI_FROM_SOURCE === '1') return null;
  try {
    const stamp = sourceStamp();
    const target = path.join(CACHE, stamp);
    const entry = path.join(target, ENTRY);
    if (!existsSync(entry)) {
      mkdirSync(CACHE, { recursive: true });
      await build(stamp, target);
    }
    return entry;
  } catch {
    return null;
  }
}
