import type { AssertionSpec } from './check-spec-schema.ts';

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
    return `${spec.file} has ${Object.keys(spec.json ?? {}).join(', ')} as expected`;
  }
  if (spec.image_user_not_root) return 'image user is not root';
  if (spec.image_env_present !== undefined) return `image sets ${spec.image_env_present}`;
  if (spec.image_cmd !== undefined) return `image CMD is ${JSON.stringify(spec.image_cmd)}`;
  if (spec.runtime_uid_not_root) return 'the tool ran as a non-root uid';
  if (spec.runtime_read_only_root) return 'root file system was read-only';
  if (spec.runtime_network !== undefined) return `network mode was ${spec.runtime_network}`;
  return `capabilities dropped: ${spec.runtime_cap_drop}`;
}
