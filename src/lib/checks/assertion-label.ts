import type { AssertionSpec } from './check-spec-schema.ts';
import { fileMetadataLabel } from './file-metadata-assertions.ts';
import { imageAssertionLabel } from './image-assertions.ts';

/** What an assertion claims, in words, for the list under a check and its verdicts. */
export function assertionLabel(spec: AssertionSpec): string {
  if (spec.name) return spec.name;
  if (spec.exit_code !== undefined) return `exit code is ${spec.exit_code}`;
  if (spec.stdout_contains !== undefined) return `stdout contains “${spec.stdout_contains}”`;
  if (spec.stdout_matches !== undefined) return `stdout matches /${spec.stdout_matches}/`;
  if (spec.stderr_contains !== undefined) return `stderr contains “${spec.stderr_contains}”`;
  if (spec.stderr_matches !== undefined) return `stderr matches /${spec.stderr_matches}/`;
  if (spec.file !== undefined) {
    if (spec.exists !== undefined) return `${spec.file} ${spec.exists ? 'exists' : 'does not exist'}`;
    if (spec.contains !== undefined) return `${spec.file} contains “${spec.contains}”`;
    if (spec.matches !== undefined) return `${spec.file} matches /${spec.matches}/`;
    if (spec.schema !== undefined) return `${spec.file} validates against ${spec.schema}`;
    const metadata = fileMetadataLabel(spec, spec.file);
    if (metadata) return metadata;
    return `${spec.file} has ${Object.keys(spec.json ?? {}).join(', ')} as expected`;
  }
  const image = imageAssertionLabel(spec);
  if (image) return image;
  if (spec.runtime_uid_not_root) return 'the tool ran as a non-root uid';
  if (spec.runtime_read_only_root) return 'root file system was read-only';
  if (spec.runtime_network !== undefined) return `network mode was ${spec.runtime_network}`;
  return `capabilities dropped: ${spec.runtime_cap_drop}`;
}
