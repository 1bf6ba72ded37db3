import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DocRecord, Violation } from './doc-record.ts';
import { CONTRACT_PATH, readContract, type ResolvedContract } from './load-contract.ts';
import { ruleSeverities, type RuleSeverities, type Severity } from './docs-rules.ts';
import { locateRepository, type RepositoryLocation } from './repository-root.ts';
import { parseFrontmatter } from './parse-frontmatter.ts';
import { isExempt, validateDoc } from './validate-doc.ts';
import { buildIdMatcher } from './id-mentions.ts';
import { scanReferences, type Reference } from './scan-references.ts';
import { assembleDocSet, type DocSet } from './doc-set.ts';
import { fingerprint, listMarkdownFiles, type DocsListing, type FileStamp } from './list-markdown-files.ts';

interface CachedFile {
  stampKey: string;
  record: DocRecord | null;
}

/** How a docs folder is read: where its repository is, and how much each rule matters. */
export interface DocsRepositoryOptions {
  /** The repository root, when not the nearest folder above the docs folder holding `.git` (REPO_DIR). */
  repoDir?: string | null;
  /** `docs.rules` from the systems configuration. */
  rules?: Partial<Record<string, Severity>>;
}

/**
 * The docs folder as the site sees it. Every call to `current()` re-lists the folder and
 * compares file stamps, so an edited, added or deleted file shows on the next request
 * without a rebuild; unchanged files are not read again.
 */
export class DocsRepository {
  readonly docsDir: string;
  readonly location: RepositoryLocation;
  private readonly severities: RuleSeverities;
  private files = new Map<string, CachedFile>();
  private snapshot: { fingerprint: string; set: DocSet } | null = null;
  private pending: Promise<DocSet> | null = null;
  private version = 0;

  constructor(docsDir: string, options: DocsRepositoryOptions = {}) {
    this.docsDir = path.resolve(docsDir);
    this.location = locateRepository(this.docsDir, options.repoDir ?? null);
    this.severities = ruleSeverities(options.rules);
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
    const wanted = stamps.filter((s) => s.path !== CONTRACT_PATH);
    const read = wanted.map((stamp) => this.readFile(stamp, contract, contractKey));
    const next = new Map(wanted.map((stamp, i) => [stamp.path, read[i]!]));
    const docs = read.flatMap((cached) => (cached.record ? [cached.record] : []));
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
    const set = assembleDocSet({ docsDir: this.docsDir, location: this.location, docsEntries: listed.entries, contract, contractViolations, docs, referencesOf, severities: this.severities, version: this.version });
    this.snapshot = { fingerprint: print, set };
    return set;
  }

  private async listFiles(): Promise<DocsListing & { problem: string | null }> {
    try {
      return { ...listMarkdownFiles(this.docsDir, [CONTRACT_PATH]), problem: null };
    } catch (error) {
      // The folder may be mid-checkout or mistyped; keep serving and say what to fix.
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
      return { stamps: [], entries: new Map(), problem: `docs folder ${this.docsDir} ${reason}; set DOCS_DIR to a folder of markdown docs` };
    }
  }

  private readContract(): { contract: ResolvedContract; contractViolations: Violation[] } {
    const read = readContract(this.docsDir, this.location.docsPath);
    // An unusable contract is reported and nothing is validated against another one meanwhile.
    const violations: Violation[] = [
      ...read.problems.map((problem) => ({ file: CONTRACT_PATH, rule: 'contract-invalid', message: problem.message, ...(problem.line ? { line: problem.line } : {}) })),
      ...read.warnings.map((warning) => ({ file: CONTRACT_PATH, rule: 'unknown-contract-key', message: warning.message, ...(warning.line ? { line: warning.line } : {}) })),
    ];
    return { contract: read.contract, contractViolations: violations };
  }

  private readFile(stamp: FileStamp, contract: ResolvedContract, contractKey: string): CachedFile {
    const stampKey = `${stamp.mtimeMs}:${stamp.size}:${contractKey}`;
    const cached = this.files.get(stamp.path);
    if (cached?.stampKey === stampKey) return cached;
    let source: string;
    try {
      // Synchronous on purpose: a small file is read in microseconds, while the promise API
      // costs four thread-pool round trips per file, which dominated reading a large folder.
      source = readFileSync(path.join(this.docsDir, stamp.path), 'utf8');
    } catch {
      return { stampKey, record: null }; // Deleted while we looked: gone on this request.
    }
    const parsed = parseFrontmatter(source, contract.delimiters);
    if (isExempt(stamp.path, contract) && !(parsed.ok && parsed.hasFrontmatter)) return { stampKey, record: null };
    return { stampKey, record: validateDoc(stamp.path, parsed, contract) };
  }
}
