import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { DocsRepository, headingSlugs } from '../../../src/lib/docs/index.ts';
import { docSections } from '../../../src/lib/search/index.ts';
import { makeTeamRepo } from '../../support/team-repo.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('a doc cut into the sections under its headings', () => {
  it('gives each section its heading, the anchor the page gives it, and its words without marks', () => {
    const body = [
      'Intro with a [link](../adr/adr-0001-x.md) and `code`.',
      '',
      '# Runner image',
      '',
      '## Build it',
      '',
      '- [ ] **Check** the _cache_ first; keep snake_case names.',
      '',
      '```sh { name=build }',
      '# not a heading: a comment in a shell block',
      'docker build -t runner .',
      '```',
      '',
      '## Build it',
      '',
      '| key | value |',
      '|-----|-------|',
      '| a   | b     |',
      '',
      'Setext title',
      '------------',
      '',
      '> quoted <b>words</b> &amp; more',
    ].join('\n');
    expect(docSections(body)).toEqual([
      { anchor: null, heading: null, text: 'Intro with a link and code.' },
      { anchor: 'runner-image', heading: 'Runner image', text: '' },
      { anchor: 'build-it', heading: 'Build it', text: 'Check the cache first; keep snake_case names.\n\n# not a heading: a comment in a shell block\ndocker build -t runner .' },
      { anchor: 'build-it-1', heading: 'Build it', text: 'key value\na b' },
      { anchor: 'setext-title', heading: 'Setext title', text: 'quoted words & more' },
    ]);
  });

  it('has one section for a body without headings, and none lost for an empty one', () => {
    expect(docSections('just text\n')).toEqual([{ anchor: null, heading: null, text: 'just text' }]);
    expect(docSections('')).toEqual([{ anchor: null, heading: null, text: '' }]);
  });

  it('never keeps the private characters snippets are marked with', () => {
    expect(docSections('## A\uE000B\n\nx\uE001y\n')[1]!.text).toBe('xy');
  });

  it('names every heading with the anchor the docs domain checks citations against, on the shipped docs and a team repository', async () => {
    const repo = makeTeamRepo({ docs: 150 });
    try {
      for (const dir of [path.join(ROOT, 'content'), repo.docsDir]) {
        const set = await new DocsRepository(dir).current();
        expect(set.docs.length).toBeGreaterThan(5);
        for (const doc of set.docs) {
          const anchors = docSections(doc.body).flatMap((section) => (section.anchor ? [section.anchor] : []));
          expect(anchors, doc.path).toEqual([...headingSlugs(doc)].filter(Boolean));
        }
      }
    } finally {
      repo.cleanup();
    }
  });
});
