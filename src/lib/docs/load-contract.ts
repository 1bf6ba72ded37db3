import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { docsContractSchema, type DocsContract } from './contract-schema.ts';
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
  allowedTopLevel: string[];
  frontmatterExempt: string[];
  commonRequired: string[];
  commonOptional: string[];
  types: ResolvedDocType[];
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

/** Reads `_meta/docs-contract.yaml` from the docs folder, or falls back to the built-in default. */
export function loadContract(docsDir: string): ResolvedContract {
  const file = path.join(docsDir, CONTRACT_PATH);
  if (!existsSync(file)) return resolveContract(defaultDocsContract, null, docsDir);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidDocsContractError(CONTRACT_PATH, [`YAML does not parse: ${(error as Error).message}`]);
  }
  const parsed = docsContractSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidDocsContractError(CONTRACT_PATH, formatZodIssues(parsed.error));
  return resolveContract(parsed.data, CONTRACT_PATH, docsDir);
}

/** Compiles regexes and rewrites repository-relative folders (`docs/adr`) to docs-relative ones (`adr`). */
export function resolveContract(contract: DocsContract, source: string | null, docsDir: string): ResolvedContract {
  const prefix = repositoryPrefix(contract, docsDir);
  const strip = (p: string) => {
    const clean = p.replace(/^\.\//, '').replace(/\/+$/, '');
    return prefix && clean.startsWith(prefix) ? clean.slice(prefix.length) : clean;
  };
  return {
    source,
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

/**
 * Contracts kept in a repository's `docs/_meta/` name folders from the repository root.
 * When every multi-segment type folder starts with the same segment, and that segment is
 * not itself a folder inside the docs folder, it is the repository's path to the docs folder.
 */
function repositoryPrefix(contract: DocsContract, docsDir: string): string | null {
  const firstSegments = new Set(
    Object.values(contract.types)
      .map((type) => type.folder.replace(/^\.\//, '').split('/'))
      .filter((segments) => segments.length > 1)
      .map((segments) => segments[0]),
  );
  if (firstSegments.size !== 1) return null;
  const [segment] = [...firstSegments];
  if (!segment) return null;
  const topLevel = existsSync(docsDir) ? readdirSync(docsDir) : [];
  return topLevel.includes(segment) ? null : `${segment}/`;
}
