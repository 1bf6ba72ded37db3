import type { ComposeBuild, ComposeFileModel, ComposeService } from './compose-model.ts';

// Several -f files merge as compose-go merges them (compose-spec "merge"): a later file
// overrides the scalars it sets (context, dockerfile, target, image, platform, name), adds to
// the mappings (args and labels, key by key, later wins), and appends to the sequences without
// repeating an entry (tags, profiles, depends_on). A service only a later file names is added
// after the ones before it.

/** The merged project: its name from the files (if any), and every service in declaration order. */
export interface MergedCompose {
  name: string | null;
  services: Map<string, ComposeService>;
}

/** Merges the files in the order given; the first is the base. */
export function mergeComposeFiles(files: readonly ComposeFileModel[]): MergedCompose {
  let name: string | null = null;
  const services = new Map<string, ComposeService>();
  for (const file of files) {
    if (file.name !== null && file.name !== '') name = file.name;
    for (const [service, override] of file.services) {
      const base = services.get(service);
      services.set(service, base === undefined ? override : mergeService(base, override));
    }
  }
  return { name, services };
}

function mergeService(base: ComposeService, override: ComposeService): ComposeService {
  const dependsOn = [...base.dependsOn];
  for (const dependency of override.dependsOn) {
    const at = dependsOn.findIndex((d) => d.service === dependency.service);
    if (at === -1) dependsOn.push(dependency);
    else dependsOn[at] = dependency;
  }
  return {
    name: base.name,
    build: base.build === null ? override.build : override.build === null ? base.build : mergeBuild(base.build, override.build),
    image: override.image ?? base.image,
    dependsOn,
    profiles: union(base.profiles, override.profiles),
    platform: override.platform ?? base.platform,
  };
}

function mergeBuild(base: ComposeBuild, override: ComposeBuild): ComposeBuild {
  return {
    context: override.context ?? base.context,
    dockerfile: override.dockerfile ?? base.dockerfile,
    args: new Map([...base.args, ...override.args]),
    target: override.target ?? base.target,
    tags: union(base.tags, override.tags),
    labels: new Map([...base.labels, ...override.labels]),
    noCache: override.noCache ?? base.noCache,
    pull: override.pull ?? base.pull,
  };
}

function union(base: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...base, ...more])];
}
