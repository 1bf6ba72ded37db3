import { z } from 'zod';
import type { ReadBackFile } from './check-observations.ts';
import { verdict, type Judgement } from './judgement.ts';

// Mode and owner of a file read back from the container, as the archive API's tar header reports them.
// Owners are numeric: the engine fills tar user names from its own host, not from the
// container's /etc/passwd, so a name would be judged against the wrong user database.

/** The file checks on a file's metadata; check-spec-schema spreads these into the assertion schema. */
export const fileMetadataShape = {
  /** Permission bits as a quoted octal string: `"0644"`, `"0755"`, `"4755"`. */
  mode: z
    .string({ error: 'write the mode as a quoted octal string, like mode: "0644" (unquoted, YAML reads 0644 as the number 644)' })
    .regex(/^0?[0-7]{3,4}$/, 'an octal mode of three or four digits, like "0644" or "4755"')
    .optional(),
  /** The numeric owner: a uid (`10001`) or `uid:gid` (`10001:10001`). */
  owner: z
    .union([z.number().int().nonnegative(), z.string().regex(/^\d+(:\d+)?$/, 'a numeric uid or uid:gid, like 10001 or "10001:10001"')], {
      error: 'a numeric uid or uid:gid, like 10001 or "10001:10001"',
    })
    .transform(String)
    .optional(),
};

/** The file check keys this file judges. */
export const FILE_METADATA_CHECKS = ['mode', 'owner'] as const;

const fileMetadataSchema = z.object(fileMetadataShape);
/** The metadata part of a file expectation, as validated. */
export type FileMetadataSpec = z.output<typeof fileMetadataSchema>;

/** What a metadata check claims about `path`; null when the spec has none. */
export function fileMetadataLabel(spec: FileMetadataSpec, path: string): string | null {
  if (spec.mode !== undefined) return `${path} has mode ${octal(parseInt(spec.mode, 8))}`;
  if (spec.owner !== undefined) return `${path} is owned by ${spec.owner}`;
  return null;
}

/** Judges a metadata check against a file that was read back; null when the spec has none. */
export function judgeFileMetadata(spec: FileMetadataSpec, file: ReadBackFile): Judgement | null {
  if (spec.mode !== undefined) {
    const wanted = parseInt(spec.mode, 8);
    return verdict(file.mode === wanted, modeText(wanted), modeText(file.mode));
  }
  if (spec.owner !== undefined) {
    const [uid, gid] = spec.owner.split(':').map(Number);
    // A bare uid says nothing about the group, so the group is not judged then.
    const ok = file.uid === uid && (gid === undefined || file.gid === gid);
    return verdict(ok, gid === undefined ? `uid ${uid}` : `${uid}:${gid}`, gid === undefined ? `uid ${file.uid} (gid ${file.gid})` : `${file.uid}:${file.gid}`);
  }
  return null;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** `0640 (rw-r-----)`: the digits the author writes, and the bits as `ls -l` shows them. */
function modeText(mode: number): string {
  const triplet = (bits: number, special: boolean, letter: string) =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? letter : letter.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  const symbolic = triplet(mode >> 6, (mode & 0o4000) !== 0, 's') + triplet(mode >> 3, (mode & 0o2000) !== 0, 's') + triplet(mode, (mode & 0o1000) !== 0, 't');
  return `${octal(mode)} (${symbolic})`;
}
