import { randomBytes } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import type Tinypool from 'tinypool';
import { locateWorkerModule } from '../shared/index.ts';
import { unrenderable, type MarkdownRenderer } from './render-markdown.ts';
import type { RenderTask, RenderTaskResult } from './render-worker.ts';

/** How the server renders doc bodies off the request thread. */
export interface RenderPoolOptions {
  /** How long one body may take once a worker has started on it (`docs.render_timeout_ms`). */
  timeoutMs: number;
  /** Worker threads at most (default 1); each holds its own highlighter, about 65 MB. */
  maxThreads?: number;
  /** The old-generation heap one worker may use before it is stopped, in MB. */
  workerHeapMb?: number;
  /** The worker's module; found next to this file (sources) or in the built server folder by default. */
  workerFile?: string;
}

/** A renderer whose workers can be stopped. */
export interface PooledMarkdownRenderer extends MarkdownRenderer {
  close(): Promise<void>;
}

// Measured on the hostile-docs test: the server idles at about 130 MB and a worker with its
// highlighter adds about 65 MB; these caps keep a runaway render from taking the rest.
const WORKER_HEAP_MB = 64;
const WORKER_YOUNG_HEAP_MB = 16;
// An idle worker holds its highlighter (tens of MB); it is let go after a while and started again on demand.
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Renders in worker threads (tinypool, behind this file): parsing, sanitizing and highlighting
 * a body happen there, and a body still going after `timeoutMs` has its worker terminated. No
 * worker starts until the first render, so a server's cold start pays nothing for the pool.
 * What comes back (a tree without positions) is linked and serialized on the caller's thread.
 */
export async function createPooledMarkdownRenderer(options: RenderPoolOptions): Promise<PooledMarkdownRenderer> {
  // Loaded here, not on import: the CLI imports this domain and never renders.
  const [{ default: Pool }, { finishRender }] = await Promise.all([import('tinypool'), import('./finish-render.ts')]);
  const workerHeapMb = options.workerHeapMb ?? WORKER_HEAP_MB;
  const pool: Tinypool = new Pool({
    filename: options.workerFile ?? locateRenderWorker(),
    minThreads: 0,
    // One worker by default: each holds its own highlighter, and memory is the scarcer resource.
    maxThreads: options.maxThreads ?? 1,
    idleTimeout: IDLE_TIMEOUT_MS,
    resourceLimits: { maxOldGenerationSizeMb: workerHeapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MB },
  });
  const seconds = (options.timeoutMs / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 });
  return {
    async render(markdown, renderOptions) {
      const nonce = randomBytes(12).toString('hex');
      const { port1: heard, port2: started } = new MessageChannel();
      const stop = new AbortController();
      let timer: NodeJS.Timeout | null = null;
      heard.once('message', () => (timer = setTimeout(() => stop.abort(), options.timeoutMs)));
      try {
        const task: RenderTask = { markdown, nonce, started };
        const result = (await pool.run(task, { transferList: [started], signal: stop.signal })) as RenderTaskResult;
        if (!result.ok) return unrenderable(result.problem);
        return finishRender(result.prepared, renderOptions, nonce);
      } catch (error) {
        if (stop.signal.aborted) {
          return unrenderable(`This doc could not be rendered: rendering took longer than ${seconds} s, the limit (docs.render_timeout_ms), and was stopped. Split the doc into smaller ones or simplify its markup.`);
        }
        if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          return unrenderable(`This doc could not be rendered: rendering needed more than ${workerHeapMb} MB of memory, the limit, and was stopped. Split the doc into smaller ones or simplify its markup.`);
        }
        throw error;
      } finally {
        if (timer) clearTimeout(timer);
        heard.close();
      }
    },
    close: () => pool.destroy(),
  };
}

/** Where the render worker's module is, for the sources and the built server alike. */
export function locateRenderWorker(base: string = import.meta.url): string {
  return locateWorkerModule('render-worker', base);
}
