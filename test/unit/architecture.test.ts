import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const LIB = path.resolve(import.meta.dirname, '../../src/lib');
const files = readdirSync(LIB, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));

describe('architecture', () => {
  it('keeps src/lib plain TypeScript: no astro imports', () => {
    const offenders = files.filter((file) => /from ['"]astro(:|\/|['"])/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => path.relative(LIB, f))).toEqual([]);
  });

  it('keeps dockerode behind src/lib/docker and gray-matter behind the frontmatter parser', () => {
    const importing = (pkg: string) => files.filter((file) => new RegExp(`from ['"]${pkg}['"]`).test(readFileSync(file, 'utf8'))).map((f) => path.relative(LIB, f));
    expect(importing('dockerode').every((file) => file.startsWith('docker/'))).toBe(true);
    expect(importing('gray-matter')).toEqual(['docs/parse-frontmatter.ts']);
  });

  it('never reaches for a shell on the execution path', () => {
    const offenders = files.filter((file) => /from ['"](node:)?child_process['"]/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => path.relative(LIB, f))).toEqual([]);
  });

  it('keeps every file under the 350-line ceiling', () => {
    const long = files.filter((file) => readFileSync(file, 'utf8').split('\n').length > 350).map((f) => path.relative(LIB, f));
    expect(long).toEqual([]);
  });
});
