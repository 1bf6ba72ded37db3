import { mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The file in the data folder holding the key session cookies are signed with. */
export const SIGNING_KEY_FILE = 'session-key';

/**
 * The session-signing key, kept in the data folder so sign-ins survive a restart. Created on
 * first use with mode 0600; `wx` makes two servers starting at once agree on one key.
 */
export function loadOrCreateSigningKey(dataDir: string): Buffer {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('hex'));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`${file} is not a session key (64 hex digits). Delete it to have a new one made; everyone then signs in again.`);
  }
  return Buffer.from(text, 'hex');
}
