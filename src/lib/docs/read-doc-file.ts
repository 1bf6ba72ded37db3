import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Violation } from './doc-record.ts';

/** A doc file's text, the head of one too large to read whole, or why it is not a doc at all. */
export type DocFileRead =
  | { kind: 'text'; source: string }
  /** Only the first HEAD_BYTES, enough for any sane frontmatter. */
  | { kind: 'too-large'; head: string; bytes: number }
  | { kind: 'unusable'; violation: Violation }
  | { kind: 'gone' };

/** How much of an oversized doc is read for its frontmatter. */
export const HEAD_BYTES = 64 * 1024;
/** Where a NUL byte marks a file as binary, as git and grep look. */
const BINARY_SNIFF_BYTES = 8 * 1024;

// `fatal` turns a bad byte into an error instead of U+FFFD; `ignoreBOM` keeps a BOM in the
// text as reading with 'utf8' always did, so the frontmatter reader sees the same source.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads one doc file once and judges its bytes: binary data and invalid UTF-8 are findings,
 * never text; a file over `maxBytes` is not read past its head. Synchronous on purpose, as the
 * listing is: a small file is read in microseconds.
 */
export function readDocFile(file: string, relativePath: string, size: number, maxBytes: number): DocFileRead {
  if (size > maxBytes) return readHead(file, size);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { kind: 'gone' }; // Deleted while we looked: gone on this request.
  }
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul >= 0) {
    return { kind: 'unusable', violation: { file: relativePath, rule: 'binary-file', message: `${relativePath} holds binary data (a NUL byte at offset ${nul}), so it is not served as a doc; remove it from the docs folder, or give it a name that does not end in .md` } };
  }
  try {
    return { kind: 'text', source: strictUtf8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8Byte(bytes);
    return { kind: 'unusable', violation: { file: relativePath, rule: 'invalid-utf8', ...(at.line ? { line: at.line } : {}), message: `${relativePath} is not valid UTF-8 (byte 0x${at.value.toString(16).padStart(2, '0')} at offset ${at.offset}), so it is not served as a doc; save it as UTF-8` } };
  }
}

function readHead(file: string, size: number): DocFileRead {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch {
    return { kind: 'gone' };
  }
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const read = readSync(descriptor, buffer, 0, HEAD_BYTES, 0);
    // Not fatal: the head may end inside a character, and what counts is the frontmatter.
    return { kind: 'too-large', head: new TextDecoder('utf-8', { ignoreBOM: true }).decode(buffer.subarray(0, read)), bytes: size };
  } finally {
    closeSync(descriptor);
  }
}

/** Where the first byte that is not UTF-8 is, for a message that lets the author find it. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): { offset: number; value: number; line: number | null } {
  let line = 1;
  for (let at = 0; at < bytes.length; ) {
    const lead = bytes[at]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return { offset: at, value: lead, line };
    for (let next = 1; next < length; next += 1) {
      const byte = bytes[at + next];
      if (byte === undefined || (byte & 0xc0) !== 0x80) return { offset: at, value: lead, line };
    }
    if (lead === 0x0a) line += 1;
    at += length;
  }
  // The decoder also refuses overlong forms and surrogates, which this scan lets through.
  return { offset: 0, value: bytes[0] ?? 0, line: null };
}
