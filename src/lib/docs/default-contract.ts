import type { DocsContract } from './contract-schema.ts';

/**
 * The contract used when a docs folder has no `_meta/docs-contract.yaml`:
 * runbooks, ADRs and references, with the keys the shipped docs use.
 */
export const defaultDocsContract: DocsContract = {
  version: 1,
  allowed_top_level: ['runbooks', 'adr', 'reference', 'incidents', '_meta'],
  frontmatter_exempt: ['README.md', '_meta/**'],
  frontmatter: {
    common_required: ['type', 'id', 'title', 'status', 'owners', 'created'],
    common_optional: ['updated', 'links', 'tags', 'summary'],
  },
  types: {
    runbook: {
      folder: 'runbooks',
      filename_regex: '^runbook-[a-z0-9][a-z0-9-]*\\.md$',
      id_regex: '^RUN-[a-z0-9][a-z0-9-]*$',
      status_allowed: ['draft', 'active', 'deprecated'],
      required: ['system'],
      // `every:` runs the whole runbook on that interval (see the schedules domain).
      optional: ['every'],
    },
    adr: {
      folder: 'adr',
      filename_regex: '^adr-\\d{4}-[a-z0-9][a-z0-9-]*\\.md$',
      id_regex: '^ADR-\\d{4}$',
      status_allowed: ['proposed', 'accepted', 'deprecated', 'superseded'],
      required: [],
      optional: ['deciders', 'supersedes', 'superseded_by', 'system'],
    },
    reference: {
      folder: 'reference',
      filename_regex: '^ref-[a-z0-9][a-z0-9-]*\\.md$',
      id_regex: '^REF-[a-z0-9][a-z0-9-]*$',
      status_allowed: ['draft', 'active', 'deprecated'],
      required: [],
      optional: ['system'],
    },
    incident: {
      folder: 'incidents',
      filename_regex: '^inc-\\d+-[a-z0-9][a-z0-9-]*\\.md$',
      id_regex: '^INC-\\d+$',
      status_allowed: ['open', 'acknowledged', 'resolved'],
      required: ['check', 'target', 'failure_kind'],
      optional: ['assertion', 'section'],
    },
  },
};
