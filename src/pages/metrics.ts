import type { APIRoute } from 'astro';
import { prometheusMetrics } from '../lib/dashboard/index.ts';

/** Prometheus metrics: per check and target, last status, duration, runs by result, open incidents. */
export const GET: APIRoute = async ({ locals }) => {
  const { services } = locals;
  const dashboard = await services.dashboard();
  const checks = new Set(dashboard.rows.map((row) => row.key));
  const runs = services.store.countByBlockTargetStatus().filter((count) => checks.has(`${count.blockId}@${count.target}`));
  const body = prometheusMetrics(dashboard.rows, runs, services.incidentStore.openCounts(), dashboard.targets);
  return new Response(body, { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
};
