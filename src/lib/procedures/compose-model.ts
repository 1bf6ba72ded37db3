import { type Outcome, accept, refuse } from '../shared/index.ts';
import type { ComposeBuildSection, ComposeFileSection, ComposeServiceSection } from './compose-file-schema.ts';

// One compose file after validation and interpolation, in a shape that merges the way compose
// merges several -f files: null means "this file does not set it", so a later file only
// overrides what it sets. Paths are still as written (relative to the project directory).

/** A service's `build:` section. */
export interface ComposeBuild {
  context: string | null;
  dockerfile: string | null;
  /** null: a bare `KEY`, whose value compose takes from the environment (here: a declared variable). */
  args: Map<string, string | null>;
  target: string | null;
  tags: string[];
  labels: Map<string, string>;
  noCache: boolean | null;
  pull: boolean | null;
}

/** One entry of `depends_on:`. */
export interface ComposeDependency {
  service: string;
  /** `required: false` lets the dependency be missing. */
  required: boolean;
}

/** A service as far as a build reads it. */
export interface ComposeService {
  name: string;
  build: ComposeBuild | null;
  image: string | null;
  dependsOn: ComposeDependency[];
  profiles: string[];
  platform: string | null;
}

/** One file's project name and services, in the order the file declares them. */
export interface ComposeFileModel {
  /** As it is named in messages (relative to the system's folder). */
  file: string;
  name: string | null;
  services: Map<string, ComposeService>;
}

/** Interpolates one value; `where` is its path in the file, e.g. `services.app.image`. */
export type Interpolate = (text: string, where: string) => Outcome<string>;

/** Turns a validated file into its model, interpolating every value a build reads. */
export function composeFileModel(file: string, section: ComposeFileSection, interpolate: Interpolate): Outcome<ComposeFileModel> {
  const name = section.name === undefined ? accept(null) : interpolate(section.name, 'name');
  if (!name.ok) return name;
  const services = new Map<string, ComposeService>();
  for (const [service, body] of Object.entries(section.services ?? {})) {
    const model = serviceModel(service, body ?? {}, interpolate);
    if (!model.ok) return model;
    services.set(service, model.value);
  }
  return accept({ file, name: name.value, services });
}

function serviceModel(name: string, body: ComposeServiceSection, interpolate: Interpolate): Outcome<ComposeService> {
  const at = `services.${name}`;
  const optional = (value: string | undefined, where: string): Outcome<string | null> =>
    value === undefined ? accept(null) : interpolate(value, `${at}.${where}`);
  const image = optional(body.image, 'image');
  if (!image.ok) return image;
  const platform = optional(body.platform, 'platform');
  if (!platform.ok) return platform;
  const profiles = all(body.profiles ?? [], (profile, i) => interpolate(profile, `${at}.profiles.${i}`));
  if (!profiles.ok) return profiles;
  const dependsOn = dependencies(body.depends_on, at, interpolate);
  if (!dependsOn.ok) return dependsOn;
  const build = body.build === undefined ? accept(null) : buildModel(body.build, `${at}.build`, interpolate);
  if (!build.ok) return build;
  return accept({ name, build: build.value, image: image.value, dependsOn: dependsOn.value, profiles: profiles.value, platform: platform.value });
}

function dependencies(section: ComposeServiceSection['depends_on'], at: string, interpolate: Interpolate): Outcome<ComposeDependency[]> {
  if (section === undefined) return accept([]);
  if (Array.isArray(section)) {
    return all(section, (service, i) => {
      const value = interpolate(service, `${at}.depends_on.${i}`);
      return value.ok ? accept({ service: value.value, required: true }) : value;
    });
  }
  return accept(Object.entries(section).map(([service, condition]) => ({ service, required: condition?.required ?? true })));
}

function buildModel(section: ComposeBuildSection, at: string, interpolate: Interpolate): Outcome<ComposeBuild> {
  const long = typeof section === 'string' ? { context: section } : section;
  const optional = (value: string | undefined, key: string): Outcome<string | null> =>
    value === undefined ? accept(null) : interpolate(value, `${at}.${key}`);
  const context = optional(long.context, 'context');
  if (!context.ok) return context;
  const dockerfile = optional(long.dockerfile, 'dockerfile');
  if (!dockerfile.ok) return dockerfile;
  const target = optional(long.target, 'target');
  if (!target.ok) return target;
  const tags = all(long.tags ?? [], (tag, i) => interpolate(tag, `${at}.tags.${i}`));
  if (!tags.ok) return tags;
  const args = keyValues(long.args, `${at}.args`, interpolate);
  if (!args.ok) return args;
  const labels = keyValues(long.labels, `${at}.labels`, interpolate);
  if (!labels.ok) return labels;
  return accept({
    context: context.value,
    dockerfile: dockerfile.value,
    args: args.value,
    target: target.value,
    tags: tags.value,
    // A bare label is an empty one.
    labels: new Map([...labels.value].map(([key, value]) => [key, value ?? ''])),
    noCache: long.no_cache ?? null,
    pull: long.pull ?? null,
  });
}

type KeyValueSection = Exclude<ComposeBuildSection, string>['args'];

// Both spellings of args and labels: a map (null is "no value") or a list of KEY=value / KEY.
function keyValues(section: KeyValueSection, at: string, interpolate: Interpolate): Outcome<Map<string, string | null>> {
  const entries = new Map<string, string | null>();
  if (section === undefined) return accept(entries);
  const pairs: Array<[string, string | null]> = Array.isArray(section)
    ? section.map((item) => {
        const eq = item.indexOf('=');
        return eq === -1 ? [item, null] : [item.slice(0, eq), item.slice(eq + 1)];
      })
    : Object.entries(section).map(([key, value]) => [key, value === null ? null : String(value)]);
  for (const [key, value] of pairs) {
    if (key === '') return refuse(`${at}: an entry has no key; write KEY=value`);
    if (value === null) {
      entries.set(key, null);
      continue;
    }
    const interpolated = interpolate(value, `${at}.${key}`);
    if (!interpolated.ok) return interpolated;
    entries.set(key, interpolated.value);
  }
  return accept(entries);
}

function all<T, U>(items: readonly T[], map: (item: T, index: number) => Outcome<U>): Outcome<U[]> {
  const out: U[] = [];
  for (const [index, item] of items.entries()) {
    const mapped = map(item, index);
    if (!mapped.ok) return mapped;
    out.push(mapped.value);
  }
  return accept(out);
}
