import path from 'node:path';
import type { ResolvedContract, ResolvedDocType } from './load-contract.ts';
import type { ParsedFrontmatter } from './parse-frontmatter.ts';
import type { DocRecord, Violation } from './doc-record.ts';
import { fallbackId, idImpliedByFilename, isSafeId } from './doc-ids.ts';
import { isoDate } from './iso-date.ts';

/** True when the contract says this file needs no frontmatter. */
export function isExempt(relativePath: string, contract: ResolvedContract): boolean {
  return contract.frontmatterExempt.some((pattern) => pattern === relativePath || globRegExp(pattern).test(relativePath));
}

const globs = new Map<string, RegExp>();

/**
 * A contract glob (`_meta/**`, `templates/*.md`, `x?.md`) as a regular expression, compiled
 * once: matching it anew for every file of a large folder was a visible part of validating it.
 */
function globRegExp(pattern: string): RegExp {
  let compiled = globs.get(pattern);
  if (!compiled) {
    const source = pattern
      .split(/(\*\*\/?|\*|\?)/)
      .map((part) => (part === '**' || part === '**/' ? '(?:.*/)?' + (part === '**' ? '.*' : '') : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`);
    globs.set(pattern, compiled);
  }
  return compiled;
}

/** The doc type owning a file: the type with the longest folder that contains it. */
export function typeForPath(relativePath: string, contract: ResolvedContract): ResolvedDocType | null {
  const owners = contract.types.filter((type) => relativePath.startsWith(`${type.folder}/`));
  return owners.sort((a, b) => b.folder.length - a.folder.length)[0] ?? null;
}

// Rules about the file as a whole (its folder, its name), which no line of it can fix.
const FILE_LEVEL = new Set(['folder-not-allowed', 'no-type-for-folder', 'filename-mismatch', 'frontmatter-missing']);

/**
 * Reads one file's frontmatter into a DocRecord and lists every contract rule it breaks.
 * Against an unusable contract nothing is checked: a folder is only ever judged by its own.
 */
export function validateDoc(relativePath: string, parsed: ParsedFrontmatter, contract: ResolvedContract): DocRecord {
  const violations: Violation[] = [];
  const keyLines = parsed.ok ? parsed.keyLines : {};
  const report = (rule: string, message: string, field?: string) => {
    // A key's problem points at the key; other frontmatter problems at the opening fence.
    const line = field ? (keyLines[field] ?? 1) : FILE_LEVEL.has(rule) ? undefined : 1;
    violations.push({ file: relativePath, rule, message, ...(field ? { field } : {}), ...(line ? { line } : {}) });
  };
  const data = parsed.ok ? parsed.data : {};
  const fileName = path.posix.basename(relativePath);
  const topLevel = relativePath.includes('/') ? relativePath.split('/')[0] : null;
  const type = typeForPath(relativePath, contract);

  if (!contract.usable) return recordOf(relativePath, parsed, type, violations);
  if (topLevel && !contract.allowedTopLevel.some((allowed) => allowed.split('/')[0] === topLevel)) {
    report('folder-not-allowed', `folder '${topLevel}' is not allowed at the top level; allowed: ${contract.allowedTopLevel.join(', ')}`);
  }
  if (!parsed.ok) {
    violations.push({ file: relativePath, rule: 'frontmatter-unreadable', message: `frontmatter is not valid YAML: ${parsed.error}`, line: parsed.line ?? 1, ...(parsed.column ? { column: parsed.column } : {}) });
  } else if (!parsed.hasFrontmatter) {
    report('frontmatter-missing', 'has no frontmatter; add a `---` YAML block with at least: ' + contract.commonRequired.join(', '));
  }

  if (!type) {
    const owned = contract.types.map((t) => `${t.name} → ${t.folder}/`).join(', ');
    report('no-type-for-folder', `no doc type owns '${path.posix.dirname(relativePath)}/'; move the file to a type's folder (${owned})`);
  } else if (parsed.ok && parsed.hasFrontmatter) {
    checkAgainstType(fileName, data, type, contract, report);
  }

  if (typeof data.id === 'string' && !isSafeId(data.id)) {
    report('id-unsafe', `id '${data.id}' may only use letters, digits, '.', '-' and '_'`, 'id');
  }
  return recordOf(relativePath, parsed, type, violations);
}

function recordOf(relativePath: string, parsed: ParsedFrontmatter, type: ResolvedDocType | null, violations: Violation[]): DocRecord {
  const data = parsed.ok ? parsed.data : {};
  const fileName = path.posix.basename(relativePath);
  const idValue = typeof data.id === 'string' && isSafeId(data.id) ? data.id : null;
  return {
    path: relativePath,
    id: idValue ?? (type ? idImpliedByFilename(fileName, type) : null) ?? fallbackId(relativePath),
    type: type?.name ?? null,
    title: typeof data.title === 'string' && data.title.trim() ? data.title : firstHeading(parsed.body) ?? fileName,
    status: typeof data.status === 'string' ? data.status : null,
    owners: ownersOf(data.owners),
    created: isoDate(data.created),
    updated: isoDate(data.updated),
    links: Array.isArray(data.links) ? data.links.filter((l): l is string => typeof l === 'string') : [],
    frontmatter: data,
    body: parsed.body,
    bodyStartLine: parsed.bodyStartLine,
    violations,
  };
}

type Report = (rule: string, message: string, field?: string) => void;

function checkAgainstType(
  fileName: string,
  data: Record<string, unknown>,
  type: ResolvedDocType,
  contract: ResolvedContract,
  report: Report,
): void {
  const required = [...contract.commonRequired, ...type.required];
  const known = new Set([...required, ...contract.commonOptional, ...type.optional]);
  for (const key of required) {
    if (data[key] === undefined || data[key] === null || data[key] === '') {
      report('required-missing', `required key '${key}' is missing (type ${type.name} requires: ${required.join(', ')})`, key);
    }
  }
  for (const key of Object.keys(data)) {
    if (!known.has(key)) report('unknown-key', `unknown key '${key}'; type ${type.name} allows: ${[...known].join(', ')}`, key);
  }
  if (data.type !== undefined && data.type !== type.name) {
    report('type-mismatch', `type is '${String(data.type)}' but files in ${type.folder}/ are type '${type.name}'`, 'type');
  }
  if (!type.filenameRegex.test(fileName)) {
    report('filename-mismatch', `file name '${fileName}' does not match ${type.name}'s filename_regex ${type.filenameRegex.source}`);
  }
  if (data.id !== undefined) checkId(fileName, data.id, type, report);
  if (data.status !== undefined && (typeof data.status !== 'string' || !type.statusAllowed.includes(data.status))) {
    report('status-not-allowed', `status '${String(data.status)}' is not allowed for type ${type.name}; allowed: ${type.statusAllowed.join(', ')}`, 'status');
  }
  for (const key of ['created', 'updated']) {
    if (data[key] !== undefined && isoDate(data[key]) === null) {
      report('date-invalid', `${key} '${String(data[key])}' is not an ISO date; write it as YYYY-MM-DD`, key);
    }
  }
  if (data.owners !== undefined && ownersOf(data.owners).length === 0) {
    report('owners-invalid', 'owners must be a non-empty string or a list of strings', 'owners');
  }
  if (data.title !== undefined && typeof data.title !== 'string') {
    report('title-invalid', 'title must be a string', 'title');
  }
  if (data.links !== undefined && !(Array.isArray(data.links) && data.links.every((l) => typeof l === 'string'))) {
    report('links-invalid', 'links must be a list of doc ids or relative .md paths', 'links');
  }
}

function checkId(fileName: string, id: unknown, type: ResolvedDocType, report: Report): void {
  if (typeof id !== 'string') {
    report('id-invalid', `id must be a string matching ${type.idRegex.source}`, 'id');
    return;
  }
  if (!type.idRegex.test(id)) {
    report('id-mismatch', `id '${id}' does not match ${type.name}'s id_regex ${type.idRegex.source}`, 'id');
  }
  const implied = idImpliedByFilename(fileName, type);
  if (implied && implied !== id) {
    report('id-filename-mismatch', `id '${id}' does not match the file name, which implies '${implied}'`, 'id');
  }
}

function ownersOf(value: unknown): string[] {
  if (typeof value === 'string' && value.trim()) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((o) => typeof o === 'string' && o.trim())) return value;
  return [];
}

function firstHeading(body: string): string | null {
  return /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? null;
}
