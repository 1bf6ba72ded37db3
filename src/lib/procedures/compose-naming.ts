import path from 'node:path';
import { type Outcome, accept, refuse, show } from '../shared/index.ts';

// How docker compose v2 names what it builds (docker/compose pkg/api, compose-go loader):
// the project is -p, else the files' `name:`, else the project directory's base name, each
// normalised; an image is the service's `image:`, else `<project>-<service>`; and a built
// image carries the service's build labels plus compose's project and service labels.

/** The label compose puts on every image it builds, naming the project. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
/** The label compose puts on every image it builds, naming the service. */
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** compose-go's NormalizeProjectName: lower case, only [a-z0-9_-], no leading _ or -. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

/**
 * The project name compose would use. An explicit -p must already be normal (compose refuses
 * it otherwise); `name:` and the folder name are normalised, and a `name:` that normalises to
 * nothing falls back to the folder.
 */
export function composeProjectName(explicit: string | null, fromFiles: string | null, projectDir: string): Outcome<string> {
  if (explicit !== null) {
    if (explicit === '' || normalizeProjectName(explicit) !== explicit) {
      return refuse(
        `docker compose -p ${show(explicit)}: a project name must consist only of lower-case letters, digits, "-" and "_", ` +
          'and start with a letter or digit',
      );
    }
    return accept(explicit);
  }
  const named = fromFiles === null ? '' : normalizeProjectName(fromFiles);
  if (named !== '') return accept(named);
  const folder = normalizeProjectName(path.basename(projectDir));
  if (folder === '') {
    return refuse(`the compose project has no name: its folder ${show(path.basename(projectDir))} gives none; set name: in the compose file or pass -p`);
  }
  return accept(folder);
}

/** The image a service's build is tagged with first: `image:`, else `<project>-<service>`. */
export function composeImageName(image: string | null, project: string, service: string): string {
  return image ?? `${project}-${service}`;
}

/**
 * Labels of the built image: the build's own, then compose's, which win. Compose also writes
 * `com.docker.compose.version` with its release; nothing here is a compose release, so that
 * one label is left off rather than made up.
 */
export function composeImageLabels(buildLabels: ReadonlyMap<string, string>, project: string, service: string): Record<string, string> {
  return Object.fromEntries([...buildLabels, [COMPOSE_PROJECT_LABEL, project], [COMPOSE_SERVICE_LABEL, service]]);
}
