import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { type Outcome, accept, formatZodIssues, refuse, show } from '../shared/index.ts';
import { COMPOSE_TOP_LEVEL_KEYS, REFUSED_BUILD_KEYS, REFUSED_SERVICE_KEYS, REFUSED_TOP_LEVEL_KEYS, SUPPORTED_BUILD_KEYS, composeFileSchema } from './compose-file-schema.ts';
import { interpolate } from './compose-interpolation.ts';
import { type ComposeFileModel, composeFileModel } from './compose-model.ts';
import type { VariableLookup } from './declared-variables.ts';

// Finds and reads a compose project's files the way compose-go does, inside the system's
// folder only: -f files relative to it (the folder is the working directory a block runs
// in), else the first of the default names in the project directory or above it, with its
// override file. YAML is read as compose-go's go-yaml reads it: YAML 1.2, merge keys (<<),
// duplicate keys an error.

/** File names compose looks for when no -f is given, in its order of preference. */
export const DEFAULT_COMPOSE_FILES: readonly string[] = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** The override file compose adds next to a default file it found. */
export const DEFAULT_OVERRIDE_FILES: readonly string[] = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

// A compose file is a page of YAML; anything far bigger is not one.
const MAX_COMPOSE_FILE_BYTES = 1_048_576;

/** Which files to read: the -f paths and --project-directory as written in the block. */
export interface ComposeFileRequest {
  files: readonly string[];
  projectDirectory: string | null;
}

/** A project's files, read and validated, with the folder relative paths in them resolve against. */
export interface ComposeFiles {
  /** The system's folder, real path. */
  systemDir: string;
  /** Absolute; build contexts are relative to it. */
  projectDir: string;
  /** As the author named them, relative to the system's folder. */
  names: string[];
  models: ComposeFileModel[];
}

/** Locates, reads and validates the files of a compose project in `systemDir`. */
export function readComposeFiles(request: ComposeFileRequest, systemDir: string, lookup: VariableLookup): Outcome<ComposeFiles> {
  if (!existsSync(systemDir)) return refuse(`the system's folder ${systemDir} does not exist; fix dir in the systems configuration`);
  const root = realpathSync(systemDir);
  const projectDirectory = request.projectDirectory === null ? accept(null) : insideSystem(request.projectDirectory, '--project-directory', root);
  if (!projectDirectory.ok) return projectDirectory;
  let files: string[];
  if (request.files.length > 0) {
    files = [];
    for (const file of request.files) {
      const resolved = insideSystem(file, '-f', root);
      if (!resolved.ok) return resolved;
      files.push(resolved.value);
    }
  } else {
    const found = discover(projectDirectory.value ?? root, root);
    if (!found.ok) return found;
    files = found.value;
  }
  const projectDir = projectDirectory.value ?? path.dirname(files[0]!);
  const dotenvPresent = existsSync(path.join(projectDir, '.env'));
  const names = files.map((file) => path.relative(root, file));
  const models: ComposeFileModel[] = [];
  for (const [index, file] of files.entries()) {
    const name = names[index]!;
    const model = readOne(file, name, (text, where) => interpolate(text, { lookup, where: `${name}: ${where}`, dotenvPresent }));
    if (!model.ok) return model;
    models.push(model.value);
  }
  return accept({ systemDir: root, projectDir, names, models });
}

// A path named in the block: relative, inside the system's folder, and (for -f) an existing file.
function insideSystem(raw: string, flag: '-f' | '--project-directory', root: string): Outcome<string> {
  const what = flag === '-f' ? 'compose file' : 'project directory';
  if (raw === '-') return refuse(`docker compose -f -: reading the compose file from stdin is not supported; name a file in the system's folder`);
  if (raw === '' || path.isAbsolute(raw)) {
    return refuse(`docker compose ${flag} ${show(raw)}: the ${what} must be a relative path inside the system's folder, e.g. compose.yaml`);
  }
  const resolved = path.resolve(root, raw);
  if (!existsSync(resolved)) return refuse(`docker compose ${flag} ${raw}: there is no ${what} ${raw} in the system's folder ${root}`);
  const real = realpathSync(resolved);
  if (real !== root && !real.startsWith(`${root}${path.sep}`)) {
    return refuse(`docker compose ${flag} ${raw}: the ${what} is outside the system's folder ${root}; runbook-live reads only files inside it`);
  }
  const isFile = statSync(real).isFile();
  if (flag === '-f' && !isFile) return refuse(`docker compose -f ${raw}: ${raw} is not a file`);
  if (flag === '--project-directory' && isFile) return refuse(`docker compose --project-directory ${raw}: ${raw} is not a folder`);
  return accept(real);
}

// The default file in `from` or the nearest folder above it, stopping at the system's folder.
function discover(from: string, root: string): Outcome<string[]> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const main = DEFAULT_COMPOSE_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
    if (main !== undefined) {
      const override = DEFAULT_OVERRIDE_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
      return accept(override === undefined ? [main] : [main, override]);
    }
    if (dir === root || !dir.startsWith(root)) break;
  }
  const where = from === root ? `the system's folder ${root}` : `${path.relative(root, from)} or above it in the system's folder`;
  return refuse(`docker compose found no compose file: none of ${DEFAULT_COMPOSE_FILES.join(', ')} is in ${where}; name the file with -f`);
}

function readOne(file: string, name: string, interpolateValue: Parameters<typeof composeFileModel>[2]): Outcome<ComposeFileModel> {
  if (statSync(file).size > MAX_COMPOSE_FILE_BYTES) return refuse(`${name} is larger than 1 MiB, which no compose file is`);
  let content: unknown;
  try {
    const document = parseDocument(readFileSync(file, 'utf8'), { merge: true, uniqueKeys: true });
    // Unknown tags (compose's !reset and !override among them) are warnings in `yaml`; here they would change the merge.
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem !== undefined) return refuse(`${name}: ${problem.message.split('\n')[0]!.replace(/:$/, '')}`);
    content = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An unreadable file, or aliases expanding past the limit.
    return refuse(`${name} could not be read: ${(error as Error).message}`);
  }
  if (content === null || content === undefined) return refuse(`${name} is empty; a compose file needs services:`);
  if (typeof content !== 'object' || Array.isArray(content)) return refuse(`${name} is not a compose file: its top level must be a mapping with services:`);
  const keyProblem = unsupportedKeys(content as Record<string, unknown>);
  if (keyProblem !== null) return refuse(`${name}: ${keyProblem}`);
  const parsed = composeFileSchema.safeParse(content);
  if (!parsed.success) return refuse(`${name}: ${formatZodIssues(parsed.error).join('; ')}`);
  return composeFileModel(name, parsed.data, interpolateValue);
}

// Named refusals come before the schema, so the author reads why a key is refused, not just that it is unknown.
function unsupportedKeys(content: Record<string, unknown>): string | null {
  for (const key of Object.keys(content)) {
    if (Object.hasOwn(REFUSED_TOP_LEVEL_KEYS, key)) return `${key} is not supported: ${REFUSED_TOP_LEVEL_KEYS[key]}`;
    if (!key.startsWith('x-') && !COMPOSE_TOP_LEVEL_KEYS.includes(key)) {
      return `top-level key ${key} is not a compose key; compose files have ${COMPOSE_TOP_LEVEL_KEYS.join(', ')} and x- extensions`;
    }
  }
  const services = content.services;
  if (typeof services !== 'object' || services === null || Array.isArray(services)) return null;
  for (const [service, body] of Object.entries(services as Record<string, unknown>)) {
    if (typeof body !== 'object' || body === null) continue;
    for (const key of Object.keys(body)) {
      if (Object.hasOwn(REFUSED_SERVICE_KEYS, key)) return `services.${service}.${key} is not supported: ${REFUSED_SERVICE_KEYS[key]}`;
    }
    const build = (body as Record<string, unknown>).build;
    if (typeof build !== 'object' || build === null || Array.isArray(build)) continue;
    for (const key of Object.keys(build)) {
      if (Object.hasOwn(REFUSED_BUILD_KEYS, key)) return `services.${service}.build.${key} is not supported: ${REFUSED_BUILD_KEYS[key]}`;
      if (!SUPPORTED_BUILD_KEYS.includes(key)) {
        return `services.${service}.build.${key} is not a build key runbook-live knows; it builds with ${SUPPORTED_BUILD_KEYS.join(', ')}`;
      }
    }
  }
  return null;
}
