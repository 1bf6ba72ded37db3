import { z } from 'zod';

/** How much a rule's findings matter: errors fail `docs:check`, warnings only with `--strict`. */
export const SEVERITIES = ['error', 'warning', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Every rule docs validation knows, with its default severity. The contract's own rules are
 * errors; what a team's validator usually does not check (links, duplicate ids, keys this
 * version does not know) starts as a warning, so a repository whose validator passes passes here.
 */
export const DOCS_RULES = {
  'contract-invalid': 'error',
  'unknown-contract-key': 'warning',
  'docs-folder-unreadable': 'error',
  'folder-not-allowed': 'error',
  'frontmatter-missing': 'error',
  'frontmatter-unreadable': 'error',
  'no-type-for-folder': 'error',
  'required-missing': 'error',
  'unknown-key': 'error',
  'type-mismatch': 'error',
  'filename-mismatch': 'error',
  'status-not-allowed': 'error',
  'date-invalid': 'error',
  'owners-invalid': 'error',
  'title-invalid': 'error',
  'links-invalid': 'error',
  'id-unsafe': 'error',
  'id-invalid': 'error',
  'id-mismatch': 'error',
  'id-filename-mismatch': 'error',
  'duplicate-id': 'warning',
  'broken-link': 'warning',
  'doc-too-large': 'error',
  'doc-too-deep': 'error',
  'binary-file': 'error',
  'invalid-utf8': 'error',
  'symlink-outside-docs': 'error',
  'symlink-not-followed': 'warning',
} as const satisfies Record<string, Exclude<Severity, 'off'>>;
export type DocsRule = keyof typeof DOCS_RULES;

/** One sentence per rule, for `--sarif` and the health page. */
export const RULE_DESCRIPTIONS: Record<DocsRule, string> = {
  'contract-invalid': 'The docs contract cannot be used.',
  'unknown-contract-key': 'The docs contract has a key this version does not know; it is ignored.',
  'docs-folder-unreadable': 'The docs folder cannot be read.',
  'folder-not-allowed': 'A top-level folder the contract does not allow.',
  'frontmatter-missing': 'A doc without frontmatter that is not exempt.',
  'frontmatter-unreadable': 'Frontmatter that is not YAML any common reader accepts.',
  'no-type-for-folder': 'A doc in a folder no doc type owns.',
  'required-missing': 'A required frontmatter key is missing.',
  'unknown-key': 'A frontmatter key the doc type does not allow.',
  'type-mismatch': "The doc's type is not the type of its folder.",
  'filename-mismatch': "The file name does not match the type's filename_regex.",
  'status-not-allowed': "The status is not one the type allows.",
  'date-invalid': 'A date that is not YYYY-MM-DD.',
  'owners-invalid': 'owners is not a string or a list of strings.',
  'title-invalid': 'title is not a string.',
  'links-invalid': 'links is not a list of ids or paths.',
  'id-unsafe': 'An id with characters other than letters, digits, ., - and _.',
  'id-invalid': 'id is not a string.',
  'id-mismatch': "The id does not match the type's id_regex.",
  'id-filename-mismatch': 'The id does not match the one the file name implies.',
  'duplicate-id': 'Another doc already has this id.',
  'broken-link': 'A reference to a doc, file or folder that does not exist.',
  'doc-too-large': 'A doc larger than docs.max_doc_bytes; only its frontmatter is read.',
  'doc-too-deep': 'A doc nesting quotes, lists, brackets, emphasis or HTML beyond the renderer\'s limits; its body is not rendered.',
  'binary-file': 'A .md file holding binary data; it is not served.',
  'invalid-utf8': 'A .md file that is not valid UTF-8; it is not served.',
  'symlink-outside-docs': 'A symlink pointing outside the docs folder; it is never followed.',
  'symlink-not-followed': 'A symlink inside the docs folder; symlinks are not followed, so it is not a doc of its own.',
};

/** `docs.rules` in runbook-live.yaml: a severity per rule name. */
export const docsRulesSchema = z
  .record(z.string(), z.enum(SEVERITIES, { error: `a severity: ${SEVERITIES.join(', ')}` }))
  .superRefine((rules, context) => {
    for (const name of Object.keys(rules)) {
      if (!Object.hasOwn(DOCS_RULES, name)) context.addIssue({ code: 'custom', path: [name], message: `no rule is called '${name}'; rules: ${Object.keys(DOCS_RULES).join(', ')}` });
    }
  });

/** The severity of every rule, defaults overridden by configuration. */
export type RuleSeverities = Record<DocsRule, Severity>;

/** Applies `docs.rules` over the defaults. */
export function ruleSeverities(overrides: Partial<Record<string, Severity>> = {}): RuleSeverities {
  const severities = { ...DOCS_RULES } as RuleSeverities;
  for (const [rule, severity] of Object.entries(overrides)) if (severity && Object.hasOwn(DOCS_RULES, rule)) severities[rule as DocsRule] = severity;
  return severities;
}
