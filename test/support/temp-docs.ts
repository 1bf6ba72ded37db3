import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway docs folder on the real file system. */
export interface TempDocs {
  dir: string;
  write(relativePath: string, content: string): string;
  remove(relativePath: string): void;
  cleanup(): void;
}

/** Makes a temp docs folder, optionally seeded from a fixture folder. */
export function makeTempDocs(copyFrom?: string): TempDocs {
  const dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-docs-'));
  if (copyFrom) cpSync(copyFrom, dir, { recursive: true });
  return {
    dir,
    write(relativePath, content) {
      const file = path.join(dir, relativePath);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove(relativePath) {
      rmSync(path.join(dir, relativePath), { force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Frontmatter plus body, for fixtures written inline. */
export function doc(frontmatter: Record<string, unknown>, body = '# Title\n\nBody.\n'): string {
  const yaml = Object.entries(frontmatter)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join('\n');
  return `---\n${yaml}\n---\n${body}`;
}
