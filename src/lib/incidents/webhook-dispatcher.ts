import { afterAttempt, leaseUntil, type AttemptOutcome, type WebhookDelivery } from './webhook-delivery.ts';
import type { OutboxEntry, SqliteWebhookOutbox } from './sqlite-webhook-outbox.ts';
import type { WebhookSettings } from './webhook-settings.ts';
import { webhookHeaders } from './webhook-signature.ts';

/** Collaborators of the dispatcher, built once per process. */
export interface WebhookDispatcherDeps {
  outbox: SqliteWebhookOutbox;
  /** Null when no webhook is configured: deliveries already recorded are listed, none is sent. */
  settings: WebhookSettings | null;
  /** Why nothing may be sent (the secret cannot be read); deliveries wait in the outbox meanwhile. */
  held: string | null;
  warn?: (message: string) => void;
  /** Called after an attempt's outcome is recorded (the page cache drops what shows delivery counts). */
  onChange?: () => void;
  /** How often an idle dispatcher looks for deliveries another process (a CLI run) recorded. */
  idlePollMs?: number;
}

// How much of a receiver's answer is kept with a failed attempt: enough to read its error.
const ANSWER_CHARS = 300;
const IDLE_POLL_MS = 30_000;

/**
 * Delivers the webhook outbox: each due delivery is POSTed with its signature headers, one at a
 * time; a 2xx answer marks it delivered, anything else schedules the next attempt with a
 * doubling backoff until `max_attempts`. Everything it knows is in the outbox, so a new process
 * resumes where the last one stopped; an attempt cut short by a crash is sent again (at least
 * once, with the same delivery id). Its timers never keep a process alive.
 */
export class WebhookDispatcher {
  private readonly deps: WebhookDispatcherDeps;
  private readonly aborter = new AbortController();
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;

  constructor(deps: WebhookDispatcherDeps) {
    this.deps = deps;
  }

  /** Why deliveries are held, or null. */
  get held(): string | null {
    return this.deps.held;
  }

  /** One incident's deliveries, oldest first. */
  deliveries(incidentId: string): WebhookDelivery[] {
    return this.deps.outbox.forIncident(incidentId);
  }

  /** Deliveries per state. */
  counts(): Record<WebhookDelivery['status'], number> {
    return this.deps.outbox.counts();
  }

  /** Starts delivering (a server): resumes whatever is pending, then follows wakes and due times. */
  start(): void {
    if (this.running || this.stopped || !this.deps.settings || this.deps.held) return;
    this.running = true;
    this.schedule(0);
  }

  /** A delivery was recorded: look now. Later on a timer, never inside the caller's transaction. */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  /** Tries every delivery due now once, and waits for the answers (a CLI before it exits). */
  async flush(): Promise<void> {
    if (this.stopped || !this.deps.settings || this.deps.held) return;
    await this.pumping;
    await this.pump(new Set());
  }

  /** Stops: no new attempt starts, one under way is cut short (and tried again later). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.aborter.abort();
    await this.pumping;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, Math.max(0, Math.min(delayMs, this.deps.idlePollMs ?? IDLE_POLL_MS)));
    this.timer.unref();
  }

  private run(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump(null)
      .catch((error: unknown) => this.warn(`webhook delivery stopped on an error: ${(error as Error).message}`))
      .finally(() => {
        this.pumping = null;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else {
          const next = this.deps.outbox.nextDueAt();
          this.schedule(next ? Date.parse(next) - Date.now() : Number.POSITIVE_INFINITY);
        }
      });
  }

  /** Attempts due deliveries until none is due; `once` (flush) tries each at most once. */
  private async pump(once: Set<string> | null): Promise<void> {
    for (;;) {
      const due = this.deps.outbox.due(new Date().toISOString()).filter((entry) => !once?.has(entry.id));
      if (due.length === 0) return;
      for (const entry of due) {
        if (this.aborter.signal.aborted) return;
        once?.add(entry.id);
        await this.attempt(entry, this.deps.settings!);
      }
    }
  }

  private async attempt(entry: OutboxEntry, settings: WebhookSettings): Promise<void> {
    const started = Date.now();
    const attempt = entry.attempts + 1;
    // Another process (or an earlier pass) took it: not ours to send.
    if (!this.deps.outbox.claim(entry.id, entry.attempts, leaseUntil(attempt, settings, started), new Date(started).toISOString())) return;
    const outcome = await this.post(entry, settings, started);
    const patch = afterAttempt(attempt, outcome, settings, Date.now());
    this.deps.outbox.finish(entry.id, attempt, patch);
    this.deps.onChange?.();
    if (!outcome.ok) {
      const then = patch.status === 'failed' ? 'giving up' : `next attempt at ${patch.nextAttemptAt}`;
      this.warn(`webhook ${settings.url}: ${entry.event} for ${entry.incidentId} (delivery ${entry.id}), attempt ${attempt} of ${settings.maxAttempts}: ${outcome.error}; ${then}`);
    }
  }

  private async post(entry: OutboxEntry, settings: WebhookSettings, nowMs: number): Promise<AttemptOutcome> {
    const signal = AbortSignal.any([AbortSignal.timeout(settings.timeoutSeconds * 1000), this.aborter.signal]);
    try {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: webhookHeaders({ secret: settings.secret, deliveryId: entry.id, event: entry.event, body: entry.payload, nowMs }),
        body: entry.payload,
        signal,
        // A receiver that moved says so with a redirect; following it would send the signed body somewhere unconfigured.
        redirect: 'manual',
      });
      const answer = await readAnswer(response);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      const moved = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
      return { ok: false, status: response.status, error: `answered ${response.status}${moved}${answer ? `: ${answer}` : ''}` };
    } catch (error) {
      return { ok: false, status: null, error: describeFailure(error, settings) };
    }
  }

  private warn(message: string): void {
    (this.deps.warn ?? console.warn)(message);
  }
}

/** The start of a receiver's answer, on one line; the rest is not read. */
async function readAnswer(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < ANSWER_CHARS) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text.replace(/\s+/g, ' ').trim().slice(0, ANSWER_CHARS);
}

function describeFailure(error: unknown, settings: WebhookSettings): string {
  const name = (error as Error).name;
  if (name === 'TimeoutError') return `no answer within ${settings.timeoutSeconds} s`;
  if (name === 'AbortError') return 'the server stopped during the attempt';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `could not be reached: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}
