import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { doc, makeTempDocs, type TempDocs } from './temp-docs.ts';

/** A hostile doc of the fixture: its file, its id, and the rule that must report it. */
export interface HostileDoc {
  file: string;
  id: string;
  rule: string;
}

/** A docs folder with a few normal docs next to every kind of hostile file, built on the spot. */
export interface HostileDocsFolder {
  docs: TempDocs;
  normal: Array<{ file: string; id: string }>;
  /** Docs that are served, with a page that explains why the body is not shown. */
  served: HostileDoc[];
  /** Files that are reported and never served. */
  refused: Array<{ file: string; rule: string }>;
  /** A doc within every limit whose body takes longer than the render budget. */
  slow: { file: string; id: string };
}

const front = (id: string, title: string) => ({ type: 'reference', id, title, status: 'active', owners: ['ops'], created: '2026-01-01' });

/** Plain paragraphs up to `bytes`, each naming its index so no two are alike. */
function prose(bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < bytes; index += 1) {
    const paragraph = `Paragraph ${index} of a very long runbook, with *emphasis*, \`code\` and words to fill the line.\n\n`;
    parts.push(paragraph);
    length += paragraph.length;
  }
  return parts.join('');
}

/**
 * Writes the folder: three normal docs (one with a code block and a link), a 5 MB doc, 5,000
 * nested quotes, 20,000 brackets and parentheses, 6,000 nested emphases, a 900 KiB doc that
 * takes longer than the render budget, a symlink to /etc/passwd, a binary `.md`, a
 * `.md` in Latin-1.
 */
export function makeHostileDocs(): HostileDocsFolder {
  const docs = makeTempDocs();
  const normal = [
    { file: 'reference/ref-normal-a.md', id: 'REF-normal-a' },
    { file: 'reference/ref-normal-b.md', id: 'REF-normal-b' },
    { file: 'reference/ref-normal-c.md', id: 'REF-normal-c' },
  ];
  docs.write(normal[0]!.file, doc(front(normal[0]!.id, 'Normal A'), '# Normal A\n\nSee REF-normal-b.\n\n```bash\necho hello\n```\n\n## Later\n\nMore text.\n'));
  docs.write(normal[1]!.file, doc(front(normal[1]!.id, 'Normal B'), '# Normal B\n\nA [link](ref-normal-a.md).\n'));
  docs.write(normal[2]!.file, doc(front(normal[2]!.id, 'Normal C'), `# Normal C\n\n${prose(20_000)}`));

  docs.write('reference/ref-huge.md', doc(front('REF-huge', 'Huge'), `# Huge\n\n${prose(5 * 1024 * 1024)}`));
  docs.write('reference/ref-quotes.md', doc(front('REF-quotes', 'Quotes'), `# Quotes\n\n${'>'.repeat(5_000)} deep\n`));
  docs.write('reference/ref-brackets.md', doc(front('REF-brackets', 'Brackets'), `# Brackets\n\n${'['.repeat(20_000)}x${']'.repeat(20_000)}\n\n${'('.repeat(20_000)}\n`));
  docs.write('reference/ref-emphasis.md', doc(front('REF-emphasis', 'Emphasis'), `# Emphasis\n\n${'*a '.repeat(6_000)}x${' a*'.repeat(6_000)}\n`));
  // Within every limit (900 KiB of plain paragraphs), but the parser needs far longer than the budget for it.
  const slow = { file: 'reference/ref-slow.md', id: 'REF-slow' };
  docs.write(slow.file, doc(front(slow.id, 'Slow'), `# Slow\n\n${prose(900 * 1024)}`));

  symlinkSync('/etc/passwd', path.join(docs.dir, 'reference/ref-passwd.md'));
  docs.write('reference/ref-binary.md', `${doc(front('REF-binary', 'Binary'))}\u0000\u0001\u0002binary`);
  const latin1 = Buffer.concat([Buffer.from(doc(front('REF-latin1', 'Latin-1'))), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]);
  writeFileSync(path.join(docs.dir, 'reference/ref-latin1.md'), latin1);

  return {
    docs,
    normal,
    slow,
    served: [
      { file: 'reference/ref-huge.md', id: 'REF-huge', rule: 'doc-too-large' },
      { file: 'reference/ref-quotes.md', id: 'REF-quotes', rule: 'doc-too-deep' },
      { file: 'reference/ref-brackets.md', id: 'REF-brackets', rule: 'doc-too-deep' },
      { file: 'reference/ref-emphasis.md', id: 'REF-emphasis', rule: 'doc-too-deep' },
    ],
    refused: [
      { file: 'reference/ref-passwd.md', rule: 'symlink-outside-docs' },
      { file: 'reference/ref-binary.md', rule: 'binary-file' },
      { file: 'reference/ref-latin1.md', rule: 'invalid-utf8' },
    ],
  };
}
