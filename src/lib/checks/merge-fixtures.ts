import type { FixtureSpec, HardeningSpec } from './check-spec-schema.ts';
import type { PlacedFileSpec, VolumeSpec } from './placed-file-schema.ts';

/** The layout a check runs with: its fixtures' and its own, merged. */
export interface MergedLayout {
  files: PlacedFileSpec[];
  volumes: VolumeSpec[];
  env: Record<string, string>;
  hardening: HardeningSpec;
}

/**
 * Merges layouts in order, each over the ones before it (fixtures in `use:` order, then the
 * check itself). The rules, which the README documents:
 * - `files` by path: a later file at the same path replaces the earlier one in its place;
 *   new paths are appended in the order written.
 * - `volumes` by path: the same path is one volume.
 * - `env` by name, and `hardening` by key: the later value wins.
 */
export function mergeLayouts(layers: FixtureSpec[]): MergedLayout {
  const files = new Map<string, PlacedFileSpec>();
  const volumes = new Map<string, VolumeSpec>();
  let env: Record<string, string> = {};
  let hardening: HardeningSpec = {};
  for (const layer of layers) {
    // Map keeps the first insertion's position when a key is set again: a replaced file stays where the fixture put it.
    for (const file of layer.files) files.set(normalize(file.path), file);
    for (const volume of layer.volumes) volumes.set(normalize(volume.path), volume);
    env = { ...env, ...layer.env };
    hardening = { ...hardening, ...definedOnly(layer.hardening) };
  }
  return { files: [...files.values()], volumes: [...volumes.values()], env, hardening };
}

// `/data/out/` and `/data/out` are the same place.
function normalize(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function definedOnly(hardening: HardeningSpec): HardeningSpec {
  return Object.fromEntries(Object.entries(hardening).filter(([, value]) => value !== undefined)) as HardeningSpec;
}
