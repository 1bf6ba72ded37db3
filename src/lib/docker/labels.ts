/** Marks every container and volume runbook-live creates, so orphans can be found and removed. */
export const MANAGED_LABEL = 'runbook-live.managed';

/** The run (one execution of a runbook procedure) a resource belongs to. */
export const RUN_ID_LABEL = 'runbook-live.run-id';

/** The runbook block a resource was created for. */
export const BLOCK_ID_LABEL = 'runbook-live.block-id';

/** Docker labels: string keys to string values. */
export type Labels = Record<string, string>;

/** What a label set describes; every field optional. */
export interface LabelInput {
  runId?: string;
  blockId?: string;
  /** Further labels; they may not override the `runbook-live.*` keys set here. */
  extra?: Labels;
}

/** Label set for a container or volume: always `runbook-live.managed=true`, plus run/block ids when given. */
export function managedLabels(input: LabelInput = {}): Labels {
  const labels: Labels = { ...input.extra };
  if (input.runId !== undefined) labels[RUN_ID_LABEL] = input.runId;
  if (input.blockId !== undefined) labels[BLOCK_ID_LABEL] = input.blockId;
  labels[MANAGED_LABEL] = 'true';
  return labels;
}

/** Adds the managed marker to caller labels; the marker always wins. */
export function withManagedLabel(labels: Labels | undefined): Labels {
  return { ...labels, [MANAGED_LABEL]: 'true' };
}

/** Engine `label` filter values (`key=value`) selecting managed resources that also match `labels`. */
export function managedLabelFilter(labels: Labels = {}): string[] {
  return Object.entries(withManagedLabel(labels)).map(([key, value]) => `${key}=${value}`);
}
