import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { codeAndHeadings, parsedOutline, scanPlainMarkdown } from '../../../src/lib/markdown/index.ts';
import { makeTeamRepo } from '../../support/team-repo.ts';
import { prng } from '../../support/prng.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function markdownBodies(folder: string): Array<{ file: string; body: string }> {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const source = readFileSync(file, 'utf8');
      let body = source;
      try {
        body = matter(source).content;
      } catch {
        // Unreadable frontmatter: the whole file is a body as good as any.
      }
      return { file, body };
    });
}

/** Either the scan steps aside, or it says exactly what the parser says. */
function expectFaithful(body: string, label: string): boolean {
  const scanned = scanPlainMarkdown(body);
  if (scanned !== null) expect(scanned, label).toEqual(parsedOutline(body));
  return scanned !== null;
}

describe('headings and code blocks without a parse', () => {
  it('agrees with the parser on every doc this repository ships and tests with', () => {
    const bodies = [...markdownBodies(path.join(ROOT, 'content')), ...markdownBodies(path.join(ROOT, 'test/fixtures'))];
    expect(bodies.length).toBeGreaterThan(10);
    const scanned = bodies.filter(({ file, body }) => expectFaithful(body, file));
    // The shipped runbook is written plainly: it must not need the parser.
    expect(scanned.map(({ file }) => path.relative(ROOT, file))).toContain('content/runbooks/runbook-runner-image.md');
  });

  it("agrees with the parser on a team repository's docs, and scans most of them", () => {
    const repo = makeTeamRepo({ docs: 120 });
    try {
      const bodies = markdownBodies(repo.docsDir);
      const scanned = bodies.filter(({ file, body }) => expectFaithful(body, file));
      expect(scanned.length / bodies.length).toBeGreaterThan(0.8);
    } finally {
      repo.cleanup();
    }
  });

  it('steps aside for everything whose reading depends on context', () => {
    const contextual = {
      'setext heading': 'Title\n=====\n\n```sh\nls\n```\n',
      'fence in a block quote': '> ```sh\n> ls\n> ```\n',
      'fence in a list item': '- step one\n\n  ```sh\n  ls\n  ```\n',
      'indented code': 'text\n\n    indented code\n',
      'unclosed fence': '# A\n\n```sh\nls\n',
      'heading with a code span': '## Build the `image`\n\n```sh\nls\n```\n',
      'heading with emphasis': '## Build *fast*\n',
      'raw HTML': '<details>\n\n```sh\nls\n```\n\n</details>\n',
      'backtick in a backtick fence info': '```sh `x`\nls\n```\n',
      'escaped info': '```sh { name=a\\ b }\nls\n```\n',
      'tabs': '#\tHeading\n',
      'CRLF': '# A\r\n\r\n```sh\r\nls\r\n```\r\n',
      'inline triple backticks': 'run ```ls``` now\n',
    };
    for (const [label, body] of Object.entries(contextual)) {
      expect(scanPlainMarkdown(body), label).toBeNull();
      // The public entry point still answers, through the parser.
      expect(codeAndHeadings(body), label).toEqual(parsedOutline(body));
    }
  });

  it('reads plain headings, fences and their info as the parser does', () => {
    const body = [
      '# Runner image',
      '',
      'Intro with ADR-0013 and a [link](x.md) and `code` in prose.',
      '## Build  it ##',
      '```sh { name=build-runner timeout=5m }',
      'docker build -t runner .',
      '```',
      '',
      '~~~~yaml { check }',
      '~~~',
      'still inside',
      '~~~~',
      '### ',
      '```',
      '```',
      '- a list item',
      '1. another',
      '',
      '---',
      '',
      '***',
      '#hashtag is a paragraph',
      '### Closing #',
    ].join('\n');
    const scanned = scanPlainMarkdown(body);
    expect(scanned).not.toBeNull();
    expect(scanned).toEqual(parsedOutline(body));
    expect(scanned!.filter((item) => item.kind === 'code')).toHaveLength(3);
  });

  it('agrees with the parser on thousands of generated bodies', () => {
    const random = prng(20261201);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const fragments = [
      '', '', '', 'Plain prose with ADR-0013.', 'More text, `inline` and **bold**.', '# Heading', '## Heading two', '### Sub ###', '#### x #',
      '```sh', '```yaml { check }', '```', '~~~', '~~~~ text', '````', ' ```', '   ```sh', '- item', '* item', '1. first', '  continued',
      '    indented', '> quote', '---', '===', '***', '<div>', '| a | b |', '|---|---|', '## `code` heading', '# [link](x.md)',
      '#no-space', '  # indented heading', 'docker run --rm image', '\\# escaped', '## Trailing \\#',
    ];
    let scanned = 0;
    for (let n = 0; n < 3000; n += 1) {
      const length = 1 + Math.floor(random() * 16);
      const body = Array.from({ length }, () => pick(fragments)).join('\n') + (random() < 0.5 ? '\n' : '');
      if (expectFaithful(body, JSON.stringify(body))) scanned += 1;
    }
    // The comparison only means something if the scan answers often.
    expect(scanned).toBeGreaterThan(300);
  });
});
