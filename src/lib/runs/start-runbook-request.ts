import { z } from 'zod';
import type { DocRecord, DocSet } from '../docs/index.ts';
import { runbookBlocks, runbookHash, stepName, type ProcedureBlock, type ProcedureCatalog } from '../procedures/index.ts';
import { formatZodIssues } from '../shared/index.ts';
import type { RunTrigger } from './run-record.ts';
import type { StartRunRequest } from './run-service.ts';
import { startRunBodySchema, parseStartRun } from './start-run-request.ts';

/** The body of `POST /api/runbook-runs`. Like a block run, the browser names a doc; it never sends a command. */
export const startRunbookBodySchema = z.strictObject({
  /** The doc id, `RUN-runner-image`. */
  doc: z.string().min(1).max(200),
  /** The runbook's hash as the page showed it (see `runbookHash`); a stale page is refused. */
  hash: z.string().regex(/^[0-9a-f]{16}$/, 'must be the 16-character runbook hash the page shows'),
  /** Overrides of declared variables; each goes to the steps that use it. */
  vars: startRunBodySchema.shape.vars,
  /** Target name; defaults to the system's first target. */
  target: z.string().min(1).max(100).optional(),
  /** Keep running later steps after one fails. */
  keepGoing: z.boolean().default(false),
});
export type StartRunbookBody = z.infer<typeof startRunbookBodySchema>;

/** Why a request to run a runbook is refused; permanent PascalCase codes. */
export const START_RUNBOOK_PROBLEM_CODES = ['InvalidRunbookRequest', 'RunbookNotFound', 'RunbookChanged', 'RunbookNotRunnable', 'InvalidVariable', 'UnknownTarget', 'QueueFull'] as const;
export type StartRunbookProblemCode = (typeof START_RUNBOOK_PROBLEM_CODES)[number];

/** A refusal with the HTTP status and the `{ code, message }` body to send. */
export interface RunbookRequestProblem {
  status: 400 | 404 | 409 | 429;
  code: StartRunbookProblemCode;
  message: string;
  /** With 429: seconds after which trying again makes sense. */
  retryAfterSeconds?: number;
}

/** One step of a runbook to run: its block, and the run request when it is runnable. */
export interface PlannedStep {
  block: ProcedureBlock;
  name: string;
  request: StartRunRequest | null;
}

/** A runbook run to start. */
export interface StartRunbookRequest {
  doc: Pick<DocRecord, 'id' | 'title'>;
  planHash: string;
  target: string;
  /** The overrides asked for (each step records the full set it ran with). */
  variables: Record<string, string>;
  steps: PlannedStep[];
  keepGoing: boolean;
  actor: string;
  /** The actor's role when they asked (null for the scheduler and the CLI). */
  actorRole?: string | null;
  trigger: RunTrigger;
}

/** What a page or the CLI needs to offer a doc as a runbook: its steps, hash and targets. */
export interface RunbookPlan {
  doc: DocRecord;
  blocks: ProcedureBlock[];
  hash: string;
  /** The targets its runnable steps run on; the first is the default. */
  targets: string[];
  runnableCount: number;
}

/** The doc's steps as a runbook, or null when none of them can run (nothing to offer). */
export function runbookPlan(doc: DocRecord, catalog: ProcedureCatalog, defaultTargets: string[], set: DocSet): RunbookPlan | null {
  const blocks = runbookBlocks(catalog.blocksOf(doc, set));
  const runnable = blocks.filter((block) => block.runnable);
  if (runnable.length === 0) return null;
  return { doc, blocks, hash: runbookHash(blocks), targets: runnable[0]!.system?.targets ?? defaultTargets, runnableCount: runnable.length };
}

/**
 * Turns an untrusted request into a runbook run to start, validating every runnable step
 * exactly as `POST /api/runs` would before anything starts: an unknown doc (404), an edited
 * runbook (409), a doc with nothing to run, a variable no step uses or an invalid value, or
 * a target the system does not use (400).
 */
export function parseStartRunbook(
  body: unknown,
  context: { set: DocSet; catalog: ProcedureCatalog; defaultTargets: string[]; actor: string; actorRole?: string | null; trigger: RunTrigger },
): { ok: true; request: StartRunbookRequest } | { ok: false; problem: RunbookRequestProblem } {
  const parsed = startRunbookBodySchema.safeParse(body);
  if (!parsed.success) return refuse(400, 'InvalidRunbookRequest', `The runbook run request is invalid: ${formatZodIssues(parsed.error).join('; ')}`);
  const { doc: docId, hash, vars, target: requestedTarget, keepGoing } = parsed.data;
  const doc = context.set.byId.get(docId);
  if (!doc) return refuse(404, 'RunbookNotFound', `No doc has id '${docId}'. GET /api/docs lists the docs.`);
  const plan = runbookPlan(doc, context.catalog, context.defaultTargets, context.set);
  if (!plan) {
    const manual = runbookBlocks(context.catalog.blocksOf(doc, context.set));
    const why = manual.length === 0 ? 'it has no shell or check blocks' : `every step is manual (${manual.map((b) => `${b.id}: ${b.reason}`).join('; ')})`;
    return refuse(400, 'RunbookNotRunnable', `Doc '${docId}' has nothing to run: ${why}.`);
  }
  if (plan.hash !== hash) {
    return refuse(409, 'RunbookChanged', `Runbook '${docId}' has changed since the page was loaded (hash ${hash}, now ${plan.hash}). Reload the page and review its steps before running it.`);
  }
  const target = requestedTarget ?? plan.targets[0]!;
  if (!plan.targets.includes(target)) return refuse(400, 'UnknownTarget', `Target '${target}' is not one runbook '${docId}' runs on; choose one of: ${plan.targets.join(', ')}`);
  const runnable = plan.blocks.filter((block) => block.runnable);
  const used = new Set(runnable.flatMap((block) => block.variables.map((v) => v.name)));
  const unused = Object.keys(vars).filter((name) => !used.has(name));
  if (unused.length > 0) {
    return refuse(400, 'InvalidVariable', `Variable ${unused.join(', ')} is not used by any step of runbook '${docId}'; its steps take: ${[...used].join(', ') || 'none'}`);
  }
  const steps: PlannedStep[] = [];
  for (const block of plan.blocks) {
    if (!block.runnable) {
      steps.push({ block, name: stepName(block), request: null });
      continue;
    }
    const own = Object.fromEntries(Object.entries(vars).filter(([name]) => block.variables.some((v) => v.name === name)));
    const step = parseStartRun({ block: block.id, hash: block.hash, vars: own, target }, context);
    if (!step.ok) {
      const status = step.problem.status === 415 ? 400 : step.problem.status;
      const code: StartRunbookProblemCode = step.problem.code === 'InvalidVariable' || step.problem.code === 'UnknownTarget' ? step.problem.code : 'InvalidRunbookRequest';
      return refuse(status, code, `Step ${block.id}: ${step.problem.message}`);
    }
    steps.push({ block, name: stepName(block), request: step.request });
  }
  return { ok: true, request: { doc: { id: doc.id, title: doc.title }, planHash: plan.hash, target, variables: vars, steps, keepGoing, actor: context.actor, actorRole: context.actorRole ?? null, trigger: context.trigger } };
}

function refuse(status: RunbookRequestProblem['status'], code: StartRunbookProblemCode, message: string): { ok: false; problem: RunbookRequestProblem } {
  return { ok: false, problem: { status, code, message } };
}
