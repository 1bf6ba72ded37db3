import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DocsRepository } from '../../../src/lib/docs/docs-repository.ts';
import type { DocSet } from '../../../src/lib/docs/doc-set.ts';
import { ProcedureCatalog, type ProcedureBlock } from '../../../src/lib/procedures/procedure-catalog.ts';
import { loadSystemsConfig } from '../../../src/lib/systems/load-systems-config.ts';
import { doc, makeTempDocs, type TempDocs } from '../temp-docs.ts';

/** A fenced block with Runme-style annotations, e.g. `fence('bash { name=probe check every=5m }', 'docker …')`. */
export const fence = (info: string, source: string): string => `\`\`\`${info}\n${source}\n\`\`\`\n`;

/** Runbooks on disk, a systems file, and the DocSet and catalog built from them. */
export interface DocsWorld {
  docs: TempDocs;
  /** The system `demo` folder (also a valid build context). */
  systemDir: string;
  catalog: ProcedureCatalog;
  /** The DocSet as last loaded; `docsSource.current()` returns it. */
  set: DocSet;
  docsSource: { current(): Promise<DocSet> };
  /** Writes `runbooks/runbook-<name>.md` as doc `RUN-<name>` of system `demo`. */
  writeRunbook(name: string, body: string): void;
  /** Writes `reference/ref-<name>.md` as doc `REF-<name>`, which has no system. */
  writeReference(name: string, body: string): void;
  removeRunbook(name: string): void;
  /** Re-reads the docs folder into `set`. */
  reload(): Promise<DocSet>;
  /** The block with this id in the current set; throws when there is none. */
  block(id: string): ProcedureBlock;
  cleanup(): void;
}

/**
 * Real docs and a real systems file, like test/unit/dashboard/fixtures.ts: targets `local`
 * and `remote`; system `demo` runs on both and declares IMAGE (an image variable).
 */
export async function makeDocsWorld(runbooks: Record<string, string> = {}, references: Record<string, string> = {}): Promise<DocsWorld> {
  const work = mkdtempSync(path.join(tmpdir(), 'runbook-live-world-'));
  const systemsFile = path.join(work, 'systems.yaml');
  writeFileSync(
    systemsFile,
    [
      'targets:',
      '  local:',
      '    url: unix:///var/run/docker.sock',
      '  remote:',
      '    url: tcp://10.255.255.1:2376',
      'systems:',
      '  demo:',
      `    dir: ${work}`,
      '    targets: [local, remote]',
      '    variables:',
      '      IMAGE: { default: "python:3.13-slim", kind: image }',
      '',
    ].join('\n'),
  );
  const docs = makeTempDocs();
  const catalog = new ProcedureCatalog(loadSystemsConfig(systemsFile));
  const world: DocsWorld = {
    docs,
    systemDir: work,
    catalog,
    set: undefined as unknown as DocSet,
    docsSource: { current: async () => world.set },
    writeRunbook(name, body) {
      docs.write(`runbooks/runbook-${name}.md`, doc({ type: 'runbook', id: `RUN-${name}`, title: `Runbook ${name}`, status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, body));
    },
    writeReference(name, body) {
      docs.write(`reference/ref-${name}.md`, doc({ type: 'reference', id: `REF-${name}`, title: `Reference ${name}`, status: 'active', owners: 'qa', created: '2026-11-26' }, body));
    },
    removeRunbook(name) {
      docs.remove(`runbooks/runbook-${name}.md`);
    },
    async reload() {
      // A fresh repository each time: file stamps of a rewrite within the same millisecond could look unchanged.
      world.set = await new DocsRepository(docs.dir).current();
      return world.set;
    },
    block(id) {
      for (const record of world.set.docs) {
        const found = catalog.blocksOf(record, world.set).find((b) => b.id === id);
        if (found) return found;
      }
      throw new Error(`no block ${id}; have: ${world.set.docs.flatMap((d) => catalog.blocksOf(d, world.set).map((b) => b.id)).join(', ')}`);
    },
    cleanup() {
      docs.cleanup();
      rmSync(work, { recursive: true, force: true });
    },
  };
  for (const [name, body] of Object.entries(runbooks)) world.writeRunbook(name, body);
  for (const [name, body] of Object.entries(references)) world.writeReference(name, body);
  await world.reload();
  return world;
}
