// Doc page latency against a static file server serving the same HTML, measured in one run.
//   node bench/docs-pages.ts            (after `npm run build`)
// Prints medians, p95s and the ratio server / static for: the catalogue, a doc page, and a
// doc page right after its file changed (a re-read and re-render), on 200 generated docs.
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../test/support/server.ts';
import { ms, quantile, repeat } from './lib.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.ROUNDS ?? 200);

const docsDir = mkdtempSync(path.join(tmpdir(), 'bench-docs-'));
cpSync(path.join(ROOT, 'content'), docsDir, { recursive: true });
mkdirSync(path.join(docsDir, 'reference'), { recursive: true });
for (let i = 0; i < 194; i++) {
  const id = `REF-generated-${i}`;
  writeFileSync(
    path.join(docsDir, 'reference', `ref-generated-${i}.md`),
    `---\ntype: reference\nid: ${id}\ntitle: "Generated ${i}"\nstatus: active\nowners: bench\ncreated: 2026-01-01\nlinks: [ADR-0013]\n---\n\n## Part\n\nMentions RUN-runner-image and REF-generated-${(i + 1) % 194}.\n\n\`\`\`bash\ndocker image inspect x\n\`\`\`\n`,
  );
}

const server = await startServer({ DOCS_DIR: docsDir, DATA_DIR: path.join(docsDir, '.data') });
const pages = { catalogue: '/', doc: '/docs/RUN-runner-image' };
const staticDir = mkdtempSync(path.join(tmpdir(), 'bench-static-'));
for (const [name, route] of Object.entries(pages)) {
  writeFileSync(path.join(staticDir, `${name}.html`), await (await fetch(server.url + route)).text());
}
const staticServer = createServer((req, res) => {
  const name = (req.url ?? '/').slice(1);
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(readFileSync(path.join(staticDir, `${name}.html`)));
});
await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
const staticPort = (staticServer.address() as { port: number }).port;

const get = async (url: string) => {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
};

console.log(`docs: ${194 + 6}, rounds: ${ROUNDS}`);
console.log('| page | runbook-live median | p95 | static median | p95 | ratio (median) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, route] of Object.entries(pages)) {
  await repeat(20, () => Promise.all([get(server.url + route), get(`http://127.0.0.1:${staticPort}/${name}`)]));
  const live = await repeat(ROUNDS, () => get(server.url + route));
  const base = await repeat(ROUNDS, () => get(`http://127.0.0.1:${staticPort}/${name}`));
  console.log(`| ${name} | ${ms(quantile(live, 0.5))} | ${ms(quantile(live, 0.95))} | ${ms(quantile(base, 0.5))} | ${ms(quantile(base, 0.95))} | ${(quantile(live, 0.5) / quantile(base, 0.5)).toFixed(2)}× |`);
}
const target = path.join(docsDir, 'runbooks', 'runbook-runner-image.md');
const afterEdit = await repeat(Math.min(ROUNDS, 30), async (i) => {
  const when = new Date(Date.now() + (i + 1) * 1000);
  utimesSync(target, when, when);
  await get(server.url + pages.doc);
});
console.log(`| doc after its file changed | ${ms(quantile(afterEdit, 0.5))} | ${ms(quantile(afterEdit, 0.95))} | — | — | — |`);

await server.stop();
staticServer.close();
rmSync(docsDir, { recursive: true, force: true });
rmSync(staticDir, { recursive: true, force: true });
