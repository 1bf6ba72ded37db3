import type { APIRoute } from 'astro';
import { liveStreamMetrics } from '../lib/runs/index.ts';

/** Prometheus metrics: per check and target, last status, duration, runs by result, open incidents; the live streams' counts; the process's event-loop delay and memory. */
export const GET: APIRoute = async ({ locals }) =>
  new Response((await locals.core.dashboard.metrics()) + liveStreamMetrics(locals.core.runs.live.counts()) + (locals.core.processMetrics?.text() ?? ''), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
