// Copies the files the built server can load, and no others, from a full production
// node_modules into the image's staging folder.
//
//   node scripts/trace-server-files.mjs <root> <out>
//
// <root> holds dist/ (astro build) and node_modules/ (npm ci --omit=dev). Astro is a
// runtime dependency, so a plain production install also brings its build tools (Vite,
// Rolldown, Lightning CSS, esbuild: about 160 MB) that the built server never loads.
// @vercel/nft follows every import, require and dynamic import from the server's modules
// (as the Vercel and Netlify adapters do) and lists the files reached; <out> gets dist/
// whole (the client assets are read at run time, not imported) and those node_modules files.
import { cpSync, mkdirSync, copyFileSync, lstatSync, readdirSync, readlinkSync, symlinkSync, existsSync } from 'node:fs';
import path from 'node:path';
import { nodeFileTrace } from '@vercel/nft';

const [root, out] = process.argv.slice(2).map((p) => path.resolve(p));
if (!root || !out) {
  console.error('usage: node scripts/trace-server-files.mjs <root with dist/ and node_modules/> <out>');
  process.exit(2);
}
const entry = path.join(root, 'dist/server/entry.mjs');
if (!existsSync(entry)) {
  console.error(`${entry} does not exist: run astro build with --outDir ${path.join(root, 'dist')} first`);
  process.exit(2);
}

// Every server module is an entry, not only entry.mjs: a chunk loaded in a way the tracer
// cannot follow (a worker started from a URL, say) still gets its imports.
const serverModules = readdirSync(path.join(root, 'dist/server'), { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.(mjs|js|cjs)$/.test(file))
  .map((file) => path.join(root, 'dist/server', file));
const { fileList } = await nodeFileTrace(serverModules, { base: root });
cpSync(path.join(root, 'dist'), path.join(out, 'dist'), { recursive: true });
let files = 0;
let bytes = 0;
for (const file of [...fileList].sort()) {
  if (!file.startsWith('node_modules/')) continue;
  const from = path.join(root, file);
  const to = path.join(out, file);
  const stat = lstatSync(from);
  if (stat.isDirectory()) continue;
  mkdirSync(path.dirname(to), { recursive: true });
  // A traced symlink stays a link: its target is traced too.
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else copyFileSync(from, to);
  files += 1;
  bytes += stat.size;
}
console.log(`traced ${files} files of node_modules (${(bytes / 1e6).toFixed(1)} MB) from the ${serverModules.length} modules of ${path.relative(process.cwd(), path.join(root, 'dist/server'))}`);
