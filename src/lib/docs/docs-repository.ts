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
import { fingerprint, listMarkdownFiles, type DocsListing, type FileStamp, type ListedSymlink } from './list-markdown-files.ts';
import { readDocFile } from './read-doc-file.ts';
import { DEFAULT_MAX_DOC_BYTES } from './docs-settings.ts';
import { describeNestingProblem, findNestingProblem } from '../markdown/index.ts';

interface CachedFile {
  stampKey: string;
  record: DocRecord | null;
  /** Why a file that is no doc (binary, not UTF-8) is not one. */
  problem: Violation | null;
}

/** How a docs folder is read: where its repository is, and how much each rule matters. */
export interface DocsRepositoryOptions {
  /** The repository root, when not the nearest folder above the docs folder holding `.git` (REPO_DIR). */
  repoDir?: string | null;
  /** `docs.rules` from the systems configuration. */
  rules?: Partial<Record<string, Severity>>;
  /** `docs.max_doc_bytes`: a larger file is not read as markdown. */
  maxDocBytes?: number;
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
  private readonly maxDocBytes: number;
  private files = new Map<string, CachedFile>();
  private snapshot: { fingerprint: string; set: DocSet } | null = null;
  private pending: Promise<DocSet> | null = null;
  private version = 0;

  constructor(docsDir: string, options: DocsRepositoryOptions = {}) {
    this.docsDir = path.resolve(docsDir);
    this.location = locateRepository(this.docsDir, options.repoDir ?? null);
    this.severities = ruleSeverities(options.rules);
    this.maxDocBytes = options.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES;
  }

  /** The docs as they are on disk now. Concurrent callers share one refresh. */
  current(): Promise<DocSet> {
    this.pending ??= this.refresh().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /**
   * Forgets what was read of these files (paths inside the docs folder), so the next
   * `current()` reads them again even when their stamps look the same: two writes of one size
   * within one tick of the file-system clock leave the same mtime and size behind.
   */
  forget(relativePaths: Iterable<string>): void {
    for (const file of relativePaths) this.files.delete(file);
    this.snapshot = null;
  }

  private async refresh(): Promise<DocSet> {
    const listed = await this.listFiles();
    const stamps = listed.stamps;
    const print = fingerprint(stamps, listed.symlinks) + (listed.problem ?? '');
    if (this.snapshot?.fingerprint === print) return this.snapshot.set;

    const { contract, contractViolations } = this.readContract();
    if (listed.problem) contractViolations.unshift({ file: '.', rule: 'docs-folder-unreadable', message: listed.problem });
    const contractKey = JSON.stringify(contract, (_key, value) => (value instanceof RegExp ? value.source : value));
    const wanted = stamps.filter((s) => s.path !== CONTRACT_PATH);
    const read = wanted.map((stamp) => this.readFile(stamp, contract, contractKey));
    const next = new Map(wanted.map((stamp, i) => [stamp.path, read[i]!]));
    const docs = read.flatMap((cached) => (cached.record ? [cached.record] : []));
    const fileViolations = [...read.flatMap((cached) => (cached.problem ? [cached.problem] : [])), ...listed.symlinks.map(symlinkViolation)];
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
    const set = assembleDocSet({ docsDir: this.docsDir, location: this.location, docsEntries: listed.entries, contract, contractViolations, fileViolations, docs, referencesOf, severities: this.severities, version: this.version });
    this.snapshot = { fingerprint: print, set };
    return set;
  }

  private async listFiles(): Promise<DocsListing & { problem: string | null }> {
    try {
      return { ...listMarkdownFiles(this.docsDir, [CONTRACT_PATH]), problem: null };
    } catch (error) {
      // The folder may be mid-checkout or mistyped; keep serving and say what to fix.
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
      return { stamps: [], entries: new Map(), symlinks: [], problem: `docs folder ${this.docsDir} ${reason}; set DOCS_DIR to a folder of markdown docs` };
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
    const read = readDocFile(path.join(this.docsDir, stamp.path), stamp.path, stamp.size, this.maxDocBytes);
    if (read.kind === 'gone') return { stampKey, record: null, problem: null };
    if (read.kind === 'unusable') return { stampKey, record: null, problem: read.violation };
    const parsed = parseFrontmatter(read.kind === 'text' ? read.source : read.head, contract.delimiters);
    if (isExempt(stamp.path, contract) && !(parsed.ok && parsed.hasFrontmatter)) return { stampKey, record: null, problem: null };
    const record = validateDoc(stamp.path, parsed, contract);
    if (read.kind === 'too-large') {
      // Nothing past the head is looked at: no links, no blocks, no rendering.
      record.body = '';
      record.tooLarge = { bytes: read.bytes, limit: this.maxDocBytes };
      record.violations.push({ file: stamp.path, rule: 'doc-too-large', message: tooLargeMessage(stamp.path, read.bytes, this.maxDocBytes) });
      return { stampKey, record, problem: null };
    }
    const nesting = findNestingProblem(record.body);
    if (nesting) {
      record.violations.push({ file: stamp.path, rule: 'doc-too-deep', line: record.bodyStartLine + nesting.line - 1, message: `${stamp.path} is not rendered: ${describeNestingProblem(nesting)}; flatten the nesting (or put the text in a code block)` });
    }
    return { stampKey, record, problem: null };
  }
}

/** What the page and the findings say about a doc over the size limit. */
export function tooLargeMessage(file: string, bytes: number, limit: number): string {
  return `${file} is ${formatBytes(bytes)}, more than the ${formatBytes(limit)} a doc may be (docs.max_doc_bytes), so only its frontmatter is read; split it into smaller docs, or raise docs.max_doc_bytes in runbook-live.yaml`;
}

/** Bytes as the nearest KiB or MiB, with the exact count when that helps. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / (1024 * 1024), 'MiB'];
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`;
}

function symlinkViolation(link: ListedSymlink): Violation {
  return link.inside
    ? { file: link.path, rule: 'symlink-not-followed', message: `${link.path} is a symlink to ${link.target}; symlinks are not followed, so it is not a doc of its own; link to the target instead, or replace the symlink with the file` }
    : { file: link.path, rule: 'symlink-outside-docs', message: `${link.path} is a symlink to ${link.target}, outside the docs folder; it is never followed or served; remove it, or copy the file into the docs folder` };
}
