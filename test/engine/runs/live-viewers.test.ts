import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { pollUntil } from '../../support/poll.ts';
import { liveStreamGauges, openHandles, SseClientPool, type LiveStreamGauges } from '../../support/sse-clients.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, SYSTEM_DIR, type RunsWorld } from './harness.ts';

// 100 anonymous viewers on the dashboard's stream of a real built server: one real run's
// start and finish (a run that need not wait has no `queued`) reach every one of them, and once they hang up the server is
// back where it was: no stream, no listener on the run event bus, no extra file descriptor.

const VIEWERS = 100;
const BLOCK = 'RUN-viewers/hello';

let world: RunsWorld;
let server: RunningServer;
let api: RunsApi;

beforeAll(async () => {
  world = makeWorld({
    systemsYaml: `targets:\n  local:\n    url: unix:///var/run/docker.sock\nsystems:\n  viewers:\n    dir: ${JSON.stringify(SYSTEM_DIR)}\n    targets: [local]\nruns:\n  concurrency: 2\n  timeout_seconds: 60\n  log_limit_bytes: 65536\n`,
    runbooks: { 'runbook-viewers.md': { system: 'viewers', body: `## Hello\n\n${bash('name=hello', `docker run --rm ${BASE_IMAGE} true`)}` } },
  });
  server = await startServer(world.env);
  api = new RunsApi(server);
});

afterAll(async () => {
  await api?.expectNoLeftovers();
  await server?.stop();
  world?.cleanup();
});

/** Runs the block once and waits until `pool`'s clients have all seen it finish. */
async function runSeenBy(pool: SseClientPool, clients: number): Promise<string> {
  const started = await api.start(BLOCK);
  await pollUntil(
    () => `all ${clients} viewers to see run ${started.id} finish (seen by ${pool.seen('finished', started.id)})`,
    () => pool.seen('finished', started.id) === clients,
    { timeoutMs: 30_000, everyMs: 20 },
  );
  return started.id;
}

/** Polls until the server holds no stream and no more than `baseline` listeners and handles. */
async function backToBaseline(baseline: LiveStreamGauges, handles: number): Promise<{ gauges: LiveStreamGauges; handles: number }> {
  let last = { gauges: baseline, handles: 0 };
  return pollUntil(
    () => `the server back to baseline (${JSON.stringify(baseline)}, ${handles} handles); last seen ${JSON.stringify(last)}`,
    async () => {
      last = { gauges: await liveStreamGauges(server.url), handles: openHandles(server.process.pid!) };
      const { gauges } = last;
      return gauges.dashboardClients === 0 && gauges.streamsOpen === 0 && gauges.eventListeners <= baseline.eventListeners && last.handles <= handles && last;
    },
    { timeoutMs: 15_000, everyMs: 50 },
  );
}

it(`fans one run's changes out to ${VIEWERS} viewers and leaves no listener or handle behind once they leave`, async () => {
  // Warm-up: the core, the Docker client and the background services are built on first use,
  // so the baseline is taken after one viewer has watched one run and gone.
  const warm = await SseClientPool.open(`${server.url}/api/events`, 1);
  await runSeenBy(warm, 1);
  await warm.close();
  const baseline = await pollUntil('no dashboard stream open after the warm-up', async () => {
    const gauges = await liveStreamGauges(server.url);
    return gauges.dashboardClients === 0 && gauges.streamsOpen === 0 && gauges;
  });
  const handlesBefore = openHandles(server.process.pid!);

  const pool = await SseClientPool.open(`${server.url}/api/events`, VIEWERS);
  const during = await liveStreamGauges(server.url);
  expect(during).toEqual({ dashboardClients: VIEWERS, streamsOpen: VIEWERS, eventListeners: baseline.eventListeners + 1 });
  expect(openHandles(server.process.pid!)).toBeGreaterThanOrEqual(handlesBefore + VIEWERS);

  const runId = await runSeenBy(pool, VIEWERS);
  for (const event of ['started', 'finished']) expect(pool.seen(event, runId), event).toBe(VIEWERS);
  expect(pool.receipts).toHaveLength(2 * VIEWERS);
  for (const receipt of pool.receipts) expect(receipt.delayMs).toBeLessThan(1000);

  await pool.close();
  const after = await backToBaseline(baseline, handlesBefore);
  expect(after.gauges.eventListeners).toBe(baseline.eventListeners);
  expect(after.handles).toBeLessThanOrEqual(handlesBefore);
});
