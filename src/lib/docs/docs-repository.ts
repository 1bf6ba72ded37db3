import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocRecord, Violation } from './doc-record.ts';
import { CONTRACT_PATH, InvalidDocsContractError, loadContract, resolveContract, type ResolvedContract } from './load-contract.ts';
import { defaultDocsContract } from './default-contract.ts';
import { parseFrontmatter } from './parse-frontmatter.ts';
import { isExempt, validateDoc } from './validate-doc.ts';
import { buildIdMatcher } from './id-mentions.ts';
import { scanReferences, type Reference } from './scan-references.ts';
import { assembleDocSet, type DocSet } from './doc-set.ts';
import { fingerprint, listMarkdownFiles, type FileStamp } from './list-markdown-files.ts';

interface CachedFile {
  stampKey: string;
  record: DocRecord | null;
}

/**
 * The docs folder as the site sees it. Every call to `current()` re-lists the folder and
 * compares file stamps, so an edited, added or deleted file shows on the next request
 * without a rebuild; unchanged files are not read again.
 */
export class DocsRepository {
  readonly docsDir: string;
  private files = new Map<string, CachedFile>();
  private snapshot: { fingerprint: string; set: DocSet } | null = null;
  private pending: Promise<DocSet> | null = null;
  private version = 0;

  constructor(docsDir: string) {
    this.docsDir = path.resolve(docsDir);
  }

  /** The docs as they are on disk now. Concurrent callers share one refresh. */
  current(): Promise<DocSet> {
    this.pending ??= this.refresh().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async refresh(): Promise<DocSet> {
    const listed = await this.listFiles();
    const stamps = listed.stamps;
    const print = fingerprint(stamps) + (listed.problem ?? '');
    if (this.snapshot?.fingerprint === print) return this.snapshot.set;

    const { contract, contractViolations } = this.readContract();
    if (listed.problem) contractViolations.unshift({ file: '.', rule: 'docs-folder-unreadable', message: listed.problem });
    const contractKey = JSON.stringify(contract, (_key, value) => (value instanceof RegExp ? value.source : value));
    const docs: DocRecord[] = [];
    const next = new Map<string, CachedFile>();
    for (const stamp of stamps.filter((s) => s.path !== CONTRACT_PATH)) {
      const cached = await this.readFile(stamp, contract, contractKey);
      next.set(stamp.path, cached);
      if (cached.record) docs.push(cached.record);
    }
    this.files = next;

    const matchIds = buildIdMatcher(contract, docs.map((doc) => doc.id));
    const referenceCache = new Map<DocRecord, Reference[]>();
    const referencesOf = (doc: DocRecord) => {
      let refs = referenceCache.get(doc);
      if (!refs) {
        refs = scanReferences(doc.links, doc.body, doc.bodyStartLine, matchIds);
        referenceCache.set(doc, refs);
      }
      return refs;
    };
    this.version += 1;
    const set = assembleDocSet({ docsDir: this.docsDir, contract, contractViolations, docs, referencesOf, version: this.version });
    this.snapshot = { fingerprint: print, set };
    return set;
  }

  private async listFiles(): Promise<{ stamps: FileStamp[]; problem: string | null }> {
    try {
      return { stamps: await listMarkdownFiles(this.docsDir, [CONTRACT_PATH]), problem: null };
    } catch (error) {
      // The folder may be mid-checkout or mistyped; keep serving and say what to fix.
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
      return { stamps: [], problem: `docs folder ${this.docsDir} ${reason}; set DOCS_DIR to a folder of markdown docs` };
    }
  }

  private readContract(): { contract: ResolvedContract; contractViolations: Violation[] } {
    try {
      return { contract: loadContract(this.docsDir), contractViolations: [] };
    } catch (error) {
      if (!(error instanceof InvalidDocsContractError)) throw error;
      // A broken contract is reported, and the built-in default keeps the site readable meanwhile.
      return {
        contract: resolveContract(defaultDocsContract, null, this.docsDir),
        contractViolations: error.problems.map((problem) => ({
          file: CONTRACT_PATH,
          rule: 'contract-invalid',
          message: `${problem} (the built-in default contract is used until this is fixed)`,
        })),
      };
    }
  }

  private async readFile(stamp: FileStamp, contract: ResolvedContract, contractKey: string): Promise<CachedFile> {
    const stampKey = `${stamp.mtimeMs}:${stamp.size}:${contractKey}`;
    const cached = this.files.get(stamp.path);
    if (cached?.stampKey === stampKey) return cached;
    let source: string;
    try {
      source = await readFile(path.join(this.docsDir, stamp.path), 'utf8');
    } catch {
      return { stampKey, record: null }; // Deleted while we looked: gone on this request.
    }
    const parsed = parseFrontmatter(source);
    if (isExempt(stamp.path, contract) && !(parsed.ok && parsed.hasFrontmatter)) return { stampKey, record: null };
    return { stampKey, record: validateDoc(stamp.path, parsed, contract) };
  }
}
