import { posix } from 'node:path';

/**
 * The one expansion a `json` or `yaml` file value may hold: an object with the single key
 * `$each_file` becomes a list with one item per placed file under a folder, so a file can
 * list the others (an index of uploads, say) without repeating their names and sizes:
 *
 *     files:
 *       $each_file:
 *         under: /data/in/                 # placed files whose path starts here
 *         as: { name: $name, path: $path, bytes: $bytes }
 *
 * In `as`, a string that is exactly `$name` (the base name), `$path` (the absolute path),
 * `$relative` (the path below `under`) or `$bytes` (the size, a number) is replaced; any
 * other value is kept as written. Only regular files are listed, in placing order, and
 * never a file whose own value holds an expansion.
 */
export const EACH_FILE = '$each_file';

const PLACEHOLDERS = ['$name', '$path', '$relative', '$bytes'] as const;

/** A placed file an expansion may list. */
export interface ListedFile {
  path: string;
  bytes: number;
}

/** True when a value holds an `$each_file` anywhere. */
export function holdsExpansion(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsExpansion);
  if (value === null || typeof value !== 'object') return false;
  return Object.hasOwn(value, EACH_FILE) || Object.values(value).some(holdsExpansion);
}

/** Every malformed `$each_file` in a value, as `at: problem` lines; `at` names the file and the place inside it. */
export function expansionProblems(value: unknown, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => expansionProblems(item, `${at}.${index}`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, EACH_FILE)) return Object.entries(record).flatMap(([key, item]) => expansionProblems(item, `${at}.${key}`));
  const problems: string[] = [];
  const where = `${at}.${EACH_FILE}`;
  if (Object.keys(record).length !== 1) problems.push(`${at}: ${EACH_FILE} must be the only key of its object; it is replaced by a list`);
  const spec = record[EACH_FILE];
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return [...problems, `${where}: write { under: /folder/, as: { name: $name, bytes: $bytes } }`];
  const { under, as, ...rest } = spec as Record<string, unknown>;
  if (typeof under !== 'string' || !under.startsWith('/')) problems.push(`${where}.under: an absolute folder in the container, like /data/in/; got ${JSON.stringify(under) ?? 'nothing'}`);
  if (as === undefined) problems.push(`${where}.as: give the item to write per file, using ${PLACEHOLDERS.join(', ')}`);
  for (const key of Object.keys(rest)) problems.push(`${where}.${key}: unknown key; ${EACH_FILE} takes under and as`);
  return problems;
}

/** Replaces every `$each_file` in a value with the list it stands for. Assumes `expansionProblems` found none. */
export function expandValue(value: unknown, placed: ListedFile[]): unknown {
  if (Array.isArray(value)) return value.map((item) => expandValue(item, placed));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, EACH_FILE)) {
    const { under, as } = record[EACH_FILE] as { under: string; as: unknown };
    const folder = under.endsWith('/') ? under : `${under}/`;
    return placed.filter((file) => file.path.startsWith(folder)).map((file) => fill(as, file, folder));
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, expandValue(item, placed)]));
}

function fill(template: unknown, file: ListedFile, folder: string): unknown {
  if (Array.isArray(template)) return template.map((item) => fill(item, file, folder));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([key, item]) => [key, fill(item, file, folder)]));
  switch (template) {
    case '$name':
      return posix.basename(file.path);
    case '$path':
      return file.path;
    case '$relative':
      return file.path.slice(folder.length);
    case '$bytes':
      return file.bytes;
    default:
      return template;
  }
}
