import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Node as YamlNode } from 'yaml';
import { docsContractSchema, unknownContractKeys, type DocsContract } from './contract-schema.ts';
import { defaultDocsContract } from './default-contract.ts';
import { formatZodIssues } from '../shared/index.ts';

/** Where a docs folder keeps its contract, relative to the folder. */
export const CONTRACT_PATH = '_meta/docs-contract.yaml';

/** One doc type with its folder normalised to the docs folder and its regexes compiled. */
export interface ResolvedDocType {
  name: string;
  folder: string;
  filenameRegex: RegExp;
  idRegex: RegExp;
  statusAllowed: string[];
  required: string[];
  optional: string[];
}

/** A contract ready to validate against: paths relative to the docs folder. */
export interface ResolvedContract {
  /** The contract file, relative to the docs folder, or null for the built-in default. */
  source: string | null;
  /** False when the folder's own contract cannot be used: then nothing is validated. */
  usable: boolean;
  /** The opening and closing frontmatter fences. */
  delimiters: [string, string];
  allowedTopLevel: string[];
  frontmatterExempt: string[];
  commonRequired: string[];
  commonOptional: string[];
  types: ResolvedDocType[];
}

/** Something wrong in the contract file, with the line it is on when known. */
export interface ContractIssue {
  message: string;
  line: number | null;
}

/** The contract as read: the one to validate with, what makes it unusable, and what was ignored. */
export interface ContractRead {
  contract: ResolvedContract;
  /** Problems that make the contract unusable (`contract-invalid`). */
  problems: ContractIssue[];
  /** Keys this version does not know (`unknown-contract-key`); the rest of the contract applies. */
  warnings: ContractIssue[];
}

/** The contract file exists but cannot be used; the message lists every problem. */
export class InvalidDocsContractError extends Error {
  readonly code = 'InvalidDocsContract';
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(
      `${file} is not a valid docs contract:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix the file (see "Docs contract" in the README), or delete it to use the built-in default.',
    );
    this.name = 'InvalidDocsContractError';
    this.file = file;
    this.problems = problems;
  }
}

/**
 * Reads `_meta/docs-contract.yaml` from the docs folder, or the built-in default when there
 * is none. `docsPath` is the docs folder's path inside its repository (`docs`, or '' when the
 * docs folder is the repository), which decides which folders are written repository-relative.
 */
export function readContract(docsDir: string, docsPath = ''): ContractRead {
  const file = path.join(docsDir, CONTRACT_PATH);
  if (!existsSync(file)) return { contract: resolveContract(defaultDocsContract, null, docsPath), problems: [], warnings: [] };
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({ message: `YAML does not parse: ${error.message.split('\n')[0]}`, line: lines.linePos(error.pos[0]).line }));
    return { contract: unusableContract(), problems, warnings: [] };
  }
  const raw: unknown = document.toJS();
  const lineOf = (keyPath: Array<string | number>) => keyLine(document.contents, keyPath, lines);
  const warnings = unknownContractKeys(raw).map((keyPath) => ({
    message: `unknown key '${keyPath.join('.')}' is ignored; this version knows the keys listed under "Docs contract" in the README`,
    line: lineOf(keyPath),
  }));
  const parsed = docsContractSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue, index) => ({ message: formatZodIssues(parsed.error)[index] ?? issue.message, line: lineOf(issue.path as Array<string | number>) }));
    return { contract: unusableContract(), problems, warnings };
  }
  return { contract: resolveContract(parsed.data, CONTRACT_PATH, docsPath), problems: [], warnings };
}

/** The folder's contract, or an error listing why it cannot be used. */
export function loadContract(docsDir: string, docsPath = ''): ResolvedContract {
  const read = readContract(docsDir, docsPath);
  if (read.problems.length > 0) throw new InvalidDocsContractError(CONTRACT_PATH, read.problems.map((p) => p.message));
  return read.contract;
}

/**
 * Compiles regexes and rewrites folders to be docs-relative. A folder written with the docs
 * folder's own path in front (`docs/adr` for a docs folder at `<repo>/docs`) is
 * repository-relative; any other is docs-relative already.
 */
export function resolveContract(contract: DocsContract, source: string | null, docsPath = ''): ResolvedContract {
  const prefix = docsPath ? `${docsPath.replace(/\/+$/, '')}/` : null;
  const strip = (p: string) => {
    const clean = p.replace(/^\.\//, '').replace(/\/+$/, '');
    return prefix && clean.startsWith(prefix) ? clean.slice(prefix.length) : clean;
  };
  return {
    source,
    usable: true,
    delimiters: contract.frontmatter.delimiters ?? ['---', '---'],
    allowedTopLevel: contract.allowed_top_level.map(strip),
    frontmatterExempt: contract.frontmatter_exempt.map(strip),
    commonRequired: contract.frontmatter.common_required,
    commonOptional: contract.frontmatter.common_optional,
    types: Object.entries(contract.types).map(([name, type]) => ({
      name,
      folder: strip(type.folder),
      filenameRegex: new RegExp(type.filename_regex),
      idRegex: new RegExp(type.id_regex),
      statusAllowed: type.status_allowed,
      required: type.required,
      optional: type.optional,
    })),
  };
}

/** Stands in for a contract that cannot be used: nothing is validated against it. */
function unusableContract(): ResolvedContract {
  return { source: CONTRACT_PATH, usable: false, delimiters: ['---', '---'], allowedTopLevel: [], frontmatterExempt: [], commonRequired: [], commonOptional: [], types: [] };
}

/** The 1-based line of the key at `keyPath` (or of its nearest existing parent). */
function keyLine(root: unknown, keyPath: Array<string | number>, lines: LineCounter): number | null {
  let node = root as YamlNode | null;
  let line: number | null = null;
  for (const segment of keyPath) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    if (!pair) break;
    const range = (pair.key as YamlNode).range;
    if (range) line = lines.linePos(range[0]).line;
    node = pair.value as YamlNode | null;
  }
  return line;
}
