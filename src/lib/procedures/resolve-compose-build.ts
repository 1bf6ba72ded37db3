import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Outcome, accept, refuse, show } from '../shared/index.ts';
import { composeImageLabels, composeImageName, composeProjectName } from './compose-naming.ts';
import type { ComposeService } from './compose-model.ts';
import { type VariableLookup, undeclaredVariableReason } from './declared-variables.ts';
import { validateImageReference } from './image-reference.ts';
import { mergeComposeFiles } from './merge-compose-files.ts';
import { readComposeFiles } from './read-compose-files.ts';
import { selectComposeServices } from './select-compose-services.ts';
import { type BuildStep, type ComposeBuildStep, composeBuildStepSchema, describeIssues } from './step-schemas.ts';

// Turns a `docker compose … build` line into the builds compose would run: reads the project's
// files from the system's folder, selects and orders the services, and gives each the context,
// Dockerfile, args, target, tags and labels compose would send, with paths relative to the
// system's folder (the working directory every build step resolves against).

/** What the command line says, before any file is read. */
export interface ComposeBuildRequest {
  /** -f files, in order; empty: compose's default file names. */
  files: string[];
  projectDirectory: string | null;
  /** -p, when given. */
  projectName: string | null;
  profiles: string[];
  services: string[];
  noCache: boolean;
  pull: boolean;
  withDependencies: boolean;
  /** --build-arg values, already resolved; they override the services' own args. */
  buildArgs: Record<string, string>;
}

const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

/** Reads the compose files in `systemDir` and resolves the request into one build per service. */
export function resolveComposeBuild(request: ComposeBuildRequest, systemDir: string | null, lookup: VariableLookup): Outcome<ComposeBuildStep> {
  if (systemDir === null) {
    return refuse("docker compose build reads its compose file from the system's folder; give the doc a system: that is configured with a dir");
  }
  const files = readComposeFiles(request, systemDir, lookup);
  if (!files.ok) return files;
  const merged = mergeComposeFiles(files.value.models);
  const project = composeProjectName(request.projectName, merged.name, files.value.projectDir);
  if (!project.ok) return project;
  const selected = selectComposeServices(merged.services, request);
  if (!selected.ok) return selected;

  const builds: ComposeBuildStep['builds'] = [];
  for (const service of selected.value.build) {
    const build = serviceBuild(service, request, project.value, files.value, lookup);
    if (!build.ok) return build;
    builds.push({ service: service.name, build: build.value });
  }
  const step = composeBuildStepSchema.safeParse({ kind: 'compose-build', project: project.value, files: files.value.names, builds, skipped: selected.value.skipped });
  return step.success ? accept(step.data) : refuse(`docker compose build: ${describeIssues(step.error)}`);
}

function serviceBuild(
  service: ComposeService,
  request: ComposeBuildRequest,
  project: string,
  files: { systemDir: string; projectDir: string },
  lookup: VariableLookup,
): Outcome<BuildStep> {
  const build = service.build!;
  const where = `service ${service.name}`;
  const context = contextFolder(build.context ?? '.', where, files);
  if (!context.ok) return context;
  const dockerfile = build.dockerfile ?? 'Dockerfile';
  if (path.isAbsolute(dockerfile)) return refuse(`${where}: build.dockerfile ${show(dockerfile)} must be a path relative to the build context`);
  const dockerfilePath = path.resolve(context.value, dockerfile);
  if (!dockerfilePath.startsWith(`${context.value}${path.sep}`)) {
    return refuse(`${where}: build.dockerfile ${show(dockerfile)} is outside the build context; the engine's builder receives only the context, so move the Dockerfile into it`);
  }

  const args: Record<string, string> = {};
  for (const [key, value] of [...build.args, ...Object.entries(request.buildArgs)]) {
    // A bare arg takes its value from the environment in compose; here from a declared variable.
    const resolved = value ?? lookup(key);
    if (resolved === undefined) return refuse(undeclaredVariableReason(key, `a build arg of ${where} without a value`));
    Object.defineProperty(args, key, { value: resolved, enumerable: true, writable: true, configurable: true });
  }
  const image = composeImageName(service.image, project, service.name);
  const tags = [image, ...build.tags.filter((tag) => tag !== image)];
  for (const [index, tag] of tags.entries()) {
    const what = index === 0 ? (service.image === null ? `the image name compose gives it, ${show(tag)},` : `image ${show(tag)}`) : `build.tags entry ${show(tag)}`;
    const problem = validateImageReference(tag);
    if (problem !== null) return refuse(`${where}: ${what} is not a valid image name: ${problem}${index === 0 && service.image === null ? '; set image: for the service' : ''}`);
    if (tag.includes('@')) return refuse(`${where}: ${what} names a digest; a build can only be tagged, so drop the @sha256:... part`);
  }
  return accept({
    kind: 'build',
    dockerfile: path.relative(files.systemDir, dockerfilePath),
    tags,
    buildArgs: args,
    ...(build.target === null ? {} : { target: build.target }),
    labels: composeImageLabels(build.labels, project, service.name),
    noCache: request.noCache || build.noCache === true,
    pull: request.pull || build.pull === true,
    quiet: false,
    contextPath: path.relative(files.systemDir, context.value) || '.',
    ...(service.platform === null ? {} : { platform: service.platform }),
  });
}

// The build context: relative to the project directory, local, existing, inside the system's folder.
function contextFolder(raw: string, where: string, files: { systemDir: string; projectDir: string }): Outcome<string> {
  if (REMOTE_CONTEXT.test(raw)) return refuse(`${where}: remote build context ${show(raw)} is not supported; use a folder inside the system's folder`);
  if (path.isAbsolute(raw)) return refuse(`${where}: build context ${show(raw)} must be relative to the project directory, so the compose file stays portable`);
  const resolved = path.resolve(files.projectDir, raw);
  if (!existsSync(resolved) || !statSync(resolved).isDirectory()) {
    return refuse(`${where}: build context ${show(raw)} is not a folder in ${path.relative(files.systemDir, files.projectDir) || "the system's folder"}`);
  }
  const real = realpathSync(resolved);
  if (real !== files.systemDir && !real.startsWith(`${files.systemDir}${path.sep}`)) {
    return refuse(`${where}: build context ${show(raw)} is outside the system's folder ${files.systemDir}; runbook-live sends only folders inside it`);
  }
  return accept(real);
}
