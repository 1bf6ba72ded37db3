import { describe, expect, it } from 'vitest';
import { repoSettingsSchema } from '../../../src/lib/docs/index.ts';
import { formatZodIssues } from '../../../src/lib/shared/index.ts';

const problems = (repo: unknown) => {
  const parsed = repoSettingsSchema.safeParse(repo);
  return parsed.success ? [] : formatZodIssues(parsed.error);
};

describe('repo settings', () => {
  it('takes web addresses with {path} for files, edits and history', () => {
    const repo = { url: 'https://git.example/org/repo/blob/main/{path}', edit_url: 'https://git.example/org/repo/edit/main/{path}', history_url: 'http://git.example/org/repo/commits/main/{path}?plain=1' };
    expect(repoSettingsSchema.parse(repo)).toEqual(repo);
    expect(repoSettingsSchema.parse({})).toEqual({});
  });

  it('names the field, what is expected and an example when an address is wrong', () => {
    expect(problems({ edit_url: 'https://git.example/org/repo/edit/main/' })).toEqual(['edit_url: must contain {path}, e.g. https://git.example/org/repo/edit/main/{path}']);
    expect(problems({ history_url: 'javascript:alert(1)//{path}' })).toEqual(['history_url: must be an http:// or https:// URL, e.g. https://git.example/org/repo/commits/main/{path}']);
    expect(problems({ edit_url: 42 })).toEqual(['edit_url: a URL with {path} in it, e.g. https://git.example/org/repo/edit/main/{path}']);
    expect(problems({ edit: 'https://x/{path}' })).toEqual([expect.stringMatching(/edit/)]);
  });
});
