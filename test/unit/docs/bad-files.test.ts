import { afterEach, describe, expect, it } from 'vitest';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DocsRepository, RenderedDocCache, type Violation } from '../../../src/lib/docs/index.ts';
import { createMarkdownRenderer } from '../../../src/lib/markdown/index.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

let docs: TempDocs | null = null;
afterEach(() => {
  docs?.cleanup();
  docs = null;
});

const front = (id: string) => ({ type: 'reference', id, title: id, status: 'active', owners: ['ops'], created: '2026-01-01' });
const byRule = (violations: Violation[], rule: string) => violations.filter((v) => v.rule === rule);

describe('bad files in the docs folder', () => {
  it('reports a binary .md and one that is not UTF-8, and serves neither', async () => {
    docs = makeTempDocs();
    docs.write('reference/ref-ok.md', doc(front('REF-ok')));
    docs.write('reference/ref-binary.md', `${doc(front('REF-binary'))}\u0000data`);
    writeFileSync(path.join(docs.dir, 'reference/ref-latin1.md'), Buffer.concat([Buffer.from(doc(front('REF-latin1'))), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]));
    const set = await new DocsRepository(docs.dir).current();
    expect(set.docs.map((d) => d.id)).toEqual(['REF-ok']);
    expect(byRule(set.violations, 'binary-file')).toEqual([
      { file: 'reference/ref-binary.md', rule: 'binary-file', message: expect.stringMatching(/^reference\/ref-binary\.md holds binary data \(a NUL byte at offset \d+\), so it is not served as a doc; remove it/) },
    ]);
    expect(byRule(set.violations, 'invalid-utf8')).toEqual([
      { file: 'reference/ref-latin1.md', rule: 'invalid-utf8', line: 12, message: expect.stringMatching(/^reference\/ref-latin1\.md is not valid UTF-8 \(byte 0xe9 at offset \d+\), so it is not served as a doc; save it as UTF-8$/) },
    ]);
    expect(set.findings.find((f) => f.rule === 'invalid-utf8')?.severity).toBe('error');
  });

  it('reports symlinks without following them: out of the folder an error, inside it a warning', async () => {
    docs = makeTempDocs();
    docs.write('reference/ref-target.md', doc(front('REF-target')));
    symlinkSync('/etc/passwd', path.join(docs.dir, 'reference/ref-passwd.md'));
    symlinkSync('ref-target.md', path.join(docs.dir, 'reference/ref-alias.md'));
    symlinkSync('/etc', path.join(docs.dir, 'reference/etc'));
    symlinkSync('/etc/hostname', path.join(docs.dir, 'reference/notes.txt')); // not named like a doc, not a folder
    const set = await new DocsRepository(docs.dir).current();
    expect(set.docs.map((d) => d.id)).toEqual(['REF-target']);
    expect(set.violations.map((v) => [v.file, v.rule])).toEqual([
      ['reference/etc', 'symlink-outside-docs'],
      ['reference/ref-alias.md', 'symlink-not-followed'],
      ['reference/ref-passwd.md', 'symlink-outside-docs'],
    ]);
    expect(byRule(set.violations, 'symlink-not-followed')[0]!.message).toBe('reference/ref-alias.md is a symlink to ref-target.md; symlinks are not followed, so it is not a doc of its own; link to the target instead, or replace the symlink with the file');
    expect(set.findings.find((f) => f.file === 'reference/ref-alias.md')?.severity).toBe('warning');
  });

  it('reads only the frontmatter of a doc over docs.max_doc_bytes, and its page says why', async () => {
    docs = makeTempDocs();
    docs.write('reference/ref-big.md', doc(front('REF-big'), `# Big\n\nSee REF-missing.\n\n\`\`\`bash\necho hi\n\`\`\`\n${'x'.repeat(4_000)}\n`));
    const set = await new DocsRepository(docs.dir, { maxDocBytes: 2_048 }).current();
    const big = set.byId.get('REF-big')!;
    expect(big.title).toBe('REF-big');
    expect(big.body).toBe('');
    expect(big.tooLarge).toEqual({ bytes: expect.any(Number), limit: 2_048 });
    expect(set.broken).toEqual([]); // the body's mention of REF-missing is never scanned
    expect(byRule(set.violations, 'doc-too-large')[0]!.message).toMatch(/^reference\/ref-big\.md is 4\.\d KiB, more than the 2 KiB a doc may be \(docs\.max_doc_bytes\), so only its frontmatter is read; split it into smaller docs, or raise docs\.max_doc_bytes in runbook-live\.yaml$/);
    const page = await new RenderedDocCache(createMarkdownRenderer).get(set, big);
    expect(page.problem).toMatch(/^This doc is not shown: it is 4\.\d KiB, and docs larger than 2 KiB \(docs\.max_doc_bytes\) are not read as markdown/);
  });

  it('reports a doc nesting past a limit at the line where it does', async () => {
    docs = makeTempDocs();
    docs.write('reference/ref-deep.md', doc(front('REF-deep'), `# Deep\n\n${'>'.repeat(5_000)} x\n`));
    const set = await new DocsRepository(docs.dir).current();
    expect(byRule(set.violations, 'doc-too-deep')).toEqual([
      { file: 'reference/ref-deep.md', rule: 'doc-too-deep', line: 11, message: 'reference/ref-deep.md is not rendered: it nests block quotes 5,000 deep; the limit is 100; flatten the nesting (or put the text in a code block)' },
    ]);
  });
});
