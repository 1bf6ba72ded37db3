import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from '../shared/index.ts';
import { docsRulesSchema } from './docs-rules.ts';

/** `docs:` in runbook-live.yaml: how docs validation judges this repository. */
export const docsSettingsSchema = z.strictObject({
  /** A severity per rule name (`error`, `warning` or `off`), over the defaults. */
  rules: docsRulesSchema.default({}),
});

/** `repo:` in runbook-live.yaml: where the repository's files can be seen on the web. */
export const repoSettingsSchema = z.strictObject({
  /** A file's page in the repository's web view, with `{path}` for its repository-relative path. */
  url: z.string().includes('{path}', { error: 'must contain {path}, e.g. https://git.example/org/repo/blob/main/{path}' }).optional(),
});

/** What docs validation and the doc pages read from the systems configuration. */
export interface DocsSettings {
  rules: z.infer<typeof docsRulesSchema>;
  repoUrl: string | null;
}

/**
 * Reads only the `docs:` and `repo:` sections of a systems configuration file, so that
 * `docs:check` needs nothing else of it. A missing file means the defaults.
 */
export function loadDocsSettings(file: string): { settings: DocsSettings; problems: string[] } {
  const empty: DocsSettings = { rules: {}, repoUrl: null };
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
  return { settings: { rules: docs.success ? docs.data.rules : {}, repoUrl: repo.success ? (repo.data.url ?? null) : null }, problems };
}
