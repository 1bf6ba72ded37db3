import { z } from 'zod';
import { docContentHash, gitHead, type DocSet } from '../docs/index.ts';
import type { ExecutableStep, ProcedureBlock, ProcedureCatalog } from '../procedures/index.ts';
import { blockIdParts, validateImageReference } from '../procedures/index.ts';
import { formatZodIssues } from '../shared/index.ts';
import type { RunTrigger } from './run-record.ts';

/** A run to start: the block, what to execute, and who asked. */
export interface StartRunRequest {
  block: ProcedureBlock;
  steps: ExecutableStep[];
  variables: Record<string, string>;
  target: string;
  actor: string;
  /** The actor's role when they asked (null for the scheduler and the CLI). */
  actorRole?: string | null;
  trigger: RunTrigger;
  /** Which version of the docs the request was made against (see `pinOf`). */
  pin?: RunPin;
}

/** The doc version a run is pinned to; the block's own hash is on the block. */
export interface RunPin {
  docHash: string | null;
  docsCommit: string | null;
}

/** The body of `POST /api/runs`. The browser names a block; it never sends a command. */
export const startRunBodySchema = z.strictObject({
  /** Block id, as listed by `GET /api/docs/<doc id>`. */
  block: z.string().min(3).max(300),
  /** The block's content hash as the client saw it; a stale page is refused. */
  hash: z.string().regex(/^[0-9a-f]{16}$/, 'must be the 16-character hash from GET /api/docs/<doc id>'),
  /** Overrides of declared variables. */
  vars: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are letters, digits and _'),
      z.string().max(512, 'at most 512 characters').regex(/^[^\u0000-\u001f\u007f]*$/, 'must be one line without control characters'),
    )
    .default({}),
  /** Target name; defaults to the system's first target. */
  target: z.string().min(1).max(100).optional(),
});
export type StartRunBody = z.infer<typeof startRunBodySchema>;

/** Why a request to start a run is refused; permanent PascalCase codes, as the API sends them. */
export const START_RUN_PROBLEM_CODES = ['InvalidRunRequest', 'BlockNotFound', 'BlockChanged', 'BlockNotRunnable', 'InvalidVariable', 'UnknownTarget', 'QueueFull'] as const;
export type StartRunProblemCode = (typeof START_RUN_PROBLEM_CODES)[number];

/** A refusal with the HTTP status and the `{ code, message }` body to send. */
export interface RequestProblem {
  status: 400 | 404 | 409 | 415 | 429;
  code: StartRunProblemCode;
  message: string;
  /** With 429: seconds after which trying again makes sense. */
  retryAfterSeconds?: number;
}

/** Finds a block by id in the current docs: the doc id is everything before the first `/`. */
export function findBlock(set: DocSet, catalog: ProcedureCatalog, blockId: string): ProcedureBlock | null {
  const doc = set.byId.get(blockIdParts(blockId).docId);
  return doc ? (catalog.blocksOf(doc, set).find((block) => block.id === blockId) ?? null) : null;
}

/**
 * Turns an untrusted request body into a run to start, or the reason it is refused:
 * unknown block (404), changed block text (409), a manual step, an undeclared or invalid
 * variable, or a target the system does not use (400).
 */
export function parseStartRun(
  body: unknown,
  context: { set: DocSet; catalog: ProcedureCatalog; defaultTargets: string[]; actor: string; actorRole?: string | null; trigger: RunTrigger },
): { ok: true; request: StartRunRequest } | { ok: false; problem: RequestProblem } {
  const parsed = startRunBodySchema.safeParse(body);
  if (!parsed.success) return refuse(400, 'InvalidRunRequest', `The run request is invalid: ${formatZodIssues(parsed.error).join('; ')}`);
  const { block: blockId, hash, vars, target: requestedTarget } = parsed.data;
  const block = findBlock(context.set, context.catalog, blockId);
  if (!block) return refuse(404, 'BlockNotFound', `No block has id '${blockId}'. GET /api/docs/<doc id> lists a doc's blocks.`);
  if (block.hash !== hash) {
    return refuse(409, 'BlockChanged', `Block '${blockId}' has changed since the page was loaded (hash ${hash}, now ${block.hash}). Reload the page and review the block before running it.`);
  }
  if (!block.runnable) return refuse(400, 'BlockNotRunnable', `Block '${blockId}' is a manual step: ${block.reason}`);
  for (const variable of block.variables) {
    const value = vars[variable.name];
    if (value !== undefined && variable.kind === 'image') {
      const problem = validateImageReference(value);
      if (problem) return refuse(400, 'InvalidVariable', `${variable.name}: '${value}' is not a valid image reference: ${problem}`);
    }
  }
  const targets = block.system?.targets ?? context.defaultTargets;
  const target = requestedTarget ?? targets[0];
  if (!target || !targets.includes(target)) {
    return refuse(400, 'UnknownTarget', `Target '${requestedTarget}' is not one this block runs on; choose one of: ${targets.join(', ')}`);
  }
  const prepared = context.catalog.prepare(block, vars);
  if (!prepared.ok) return refuse(400, 'InvalidVariable', `With these variables the block cannot run: ${prepared.reason}`);
  return {
    ok: true,
    request: { block, steps: prepared.steps, variables: prepared.variables, target, actor: context.actor, actorRole: context.actorRole ?? null, trigger: context.trigger, pin: pinOf(context.set, block) },
  };
}

/** The version of the docs a block is run from: its doc's content hash and the docs' commit. */
export function pinOf(set: DocSet, block: Pick<ProcedureBlock, 'docId'>): RunPin {
  const doc = set.byId.get(block.docId);
  return { docHash: doc ? docContentHash(doc) : null, docsCommit: set.location.inRepository ? gitHead(set.location.root) : null };
}

function refuse(status: RequestProblem['status'], code: StartRunProblemCode, message: string): { ok: false; problem: RequestProblem } {
  return { ok: false, problem: { status, code, message } };
}
