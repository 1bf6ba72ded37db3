import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from '../shared/index.ts';
import { docsRulesSchema } from './docs-rules.ts';

/** 1 MiB: the largest runbooks seen are a few hundred KiB, and the parser slows down sharply past that. */
export const DEFAULT_MAX_DOC_BYTES = 1024 * 1024;
/** 2 s: a large doc renders in a fraction of that; anything slower is stopped. */
export const DEFAULT_RENDER_TIMEOUT_MS = 2_000;

/** `docs:` in runbook-live.yaml: how docs validation judges this repository. */
export const docsSettingsSchema = z.strictObject({
  /** A severity per rule name (`error`, `warning` or `off`), over the defaults. */
  rules: docsRulesSchema.default({}),
  /** The largest doc read as markdown, in bytes; a larger one is a `doc-too-large` finding and shows its frontmatter only. */
  max_doc_bytes: z.number({ error: 'a number of bytes, e.g. 1048576 for 1 MiB' }).int().positive().default(DEFAULT_MAX_DOC_BYTES),
  /** How long rendering one doc's body may take before it is stopped and the page says so, in milliseconds. */
  render_timeout_ms: z.number({ error: 'a number of milliseconds, e.g. 2000' }).int().positive().default(DEFAULT_RENDER_TIMEOUT_MS),
});

/**
 * A web address with `{path}` where a file's repository-relative path goes (URL-encoded per
 * segment when filled in). Only http and https, since it becomes a link on every doc page.
 */
function pathTemplate(example: string) {
  return z
    .string({ error: `a URL with {path} in it, e.g. ${example}` })
    .includes('{path}', { error: `must contain {path}, e.g. ${example}` })
    .refine((template) => /^https?:$/.test(URL.parse(template.replaceAll('{path}', 'x'))?.protocol ?? ''), { error: `must be an http:// or https:// URL, e.g. ${example}` });
}

/** `repo:` in runbook-live.yaml: where the repository's files can be seen on the web. */
export const repoSettingsSchema = z.strictObject({
  /** A file's page in the repository's web view, with `{path}` for its repository-relative path. */
  url: pathTemplate('https://git.example/org/repo/blob/main/{path}').optional(),
  /** Where a file is edited on the web: each doc page's "Edit this page" link. */
  edit_url: pathTemplate('https://git.example/org/repo/edit/main/{path}').optional(),
  /** A file's commit log on the web: each doc page's "History" link. */
  history_url: pathTemplate('https://git.example/org/repo/commits/main/{path}').optional(),
});
/** `repo:` as read. */
export type RepoSettings = z.infer<typeof repoSettingsSchema>;

/** What docs validation and the doc pages read from the systems configuration. */
export interface DocsSettings {
  rules: z.infer<typeof docsRulesSchema>;
  /** `docs.max_doc_bytes`. */
  maxDocBytes: number;
  repoUrl: string | null;
}

/**
 * Reads only the `docs:` and `repo:` sections of a systems configuration file, so that
 * `docs:check` needs nothing else of it. A missing file means the defaults.
 */
export function loadDocsSettings(file: string): { settings: DocsSettings; problems: string[] } {
  const empty: DocsSettings = { rules: {}, maxDocBytes: DEFAULT_MAX_DOC_BYTES, repoUrl: null };
  if (!existsSync(file)) return { settings: empty, problems: [] };
  let raw: Record<string, unknown>;
  try {
    raw = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    return { settings: empty, problems: [`${file}: YAML does not parse: ${(error as Error).message.split('\n')[0]}`] };
  }
  const docs = docsSettingsSchema.safeParse(raw.docs ?? {});
  const repo = repoSettingsSchema.safeParse(raw.repo ?? {});
  const problems = [
    ...(docs.success ? [] : formatZodIssues(docs.error).map((line) => `${file}: docs.${line}`)),
    ...(repo.success ? [] : formatZodIssues(repo.error).map((line) => `${file}: repo.${line}`)),
  ];
  return { settings: { rules: docs.success ? docs.data.rules : {}, maxDocBytes: docs.success ? docs.data.max_doc_bytes : DEFAULT_MAX_DOC_BYTES, repoUrl: repo.success ? (repo.data.url ?? null) : null }, problems };
}
