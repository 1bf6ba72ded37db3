// The worker thread's half of a render (see render-pool.ts): untrusted markdown is parsed,
// sanitized and highlighted here, where a runaway doc can be stopped without stopping the site.
import type { MessagePort } from 'node:worker_threads';
import type { ElementContent, Root, RootContent } from 'hast';
import { createPreparer } from './markdown-pipeline.ts';
import type { PreparedDoc } from './finish-render.ts';
import { describeNestingProblem, findNestingProblem } from './nesting-limits.ts';

/** What the pool sends: the body, this render's nonce, and a port to say the work has begun. */
export interface RenderTask {
  markdown: string;
  nonce: string;
  /** The time budget starts when this port hears from the worker, not while the task queues. */
  started: MessagePort;
}

/** The prepared tree, or why the body cannot be shown. */
export type RenderTaskResult = { ok: true; prepared: PreparedDoc } | { ok: false; problem: string };

/**
 * Deeper trees than this are not handed back: serializing them to HTML on the request thread
 * recurses once per level. The nesting limits keep real docs far below it.
 */
export const MAX_TREE_DEPTH = 1_000;

// Loaded before the pool marks this worker ready, so the highlighter's grammars (about a second)
// are never counted against a doc's time budget.
const preparer = await createPreparer();

/** Renders one body; the pool calls it once per task. */
export default async function renderInWorker(task: RenderTask): Promise<RenderTaskResult> {
  task.started.postMessage('started');
  task.started.close();
  const found = findNestingProblem(task.markdown);
  if (found) return { ok: false, problem: `This doc could not be rendered: ${describeNestingProblem(found)}.` };
  let prepared: PreparedDoc;
  try {
    prepared = await preparer.prepare(task.markdown, task.nonce);
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problem: 'This doc could not be rendered: it nests its markup too deeply for the renderer (the call stack overflowed). Flatten the deepest quotes, lists or HTML.' };
    throw error;
  }
  const depth = stripPositionsAndMeasure(prepared.tree);
  if (depth > MAX_TREE_DEPTH) return { ok: false, problem: `This doc could not be rendered: its markup nests ${depth.toLocaleString('en-US')} elements deep; the limit is ${MAX_TREE_DEPTH.toLocaleString('en-US')}.` };
  return { ok: true, prepared };
}

/**
 * Drops source positions, which the page never uses and which would double what is copied
 * back to the request thread, and answers the tree's depth. Iterative, so no depth overflows it.
 */
function stripPositionsAndMeasure(tree: Root): number {
  let deepest = 0;
  const stack: Array<{ node: Root | RootContent | ElementContent; depth: number }> = [{ node: tree, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    delete node.position;
    if (depth > deepest) deepest = depth;
    if ('children' in node) for (const child of node.children) stack.push({ node: child, depth: depth + 1 });
  }
  return deepest;
}
