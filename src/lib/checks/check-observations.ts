import { z } from 'zod';
import type { ContainerFacts, ImageDetails } from '../docker/index.ts';

/** A file read back from the container after the run, with its owner and permission bits. */
export interface ReadBackFile {
  content: Buffer;
  uid: number;
  gid: number;
  /** Permission bits only (`0o644`), without the file type. */
  mode: number;
}

/** Everything a check run saw, for the assertions to judge. */
export interface CheckObservations {
  /** Null when the container was killed before it exited by itself. */
  exitCode: number | null;
  timedOut: boolean;
  timeoutMs: number;
  stdout: string;
  stderr: string;
  /** Read-back files by the path the assertion wrote; null when the file did not exist. */
  files: Map<string, ReadBackFile | null>;
  image: ImageDetails | null;
  container: ContainerFacts | null;
}

/** One assertion's outcome, as stored with the run and shown under the block. */
export const assertionVerdictSchema = z.object({
  index: z.number().int(),
  label: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  expected: z.string(),
  actual: z.string(),
  /** The cited doc clause, as written (`ADR-0015#artifact-path-safety`). */
  because: z.string().nullable(),
});
export type AssertionVerdict = z.infer<typeof assertionVerdictSchema>;
