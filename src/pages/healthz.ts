import type { APIRoute } from 'astro';
import { json } from '../lib/http/index.ts';

/** Liveness: the server answers and can read its docs folder. */
export const GET: APIRoute = async ({ locals }) => {
  try {
    const set = await locals.core.docs.current();
    // Liveness of this server; the Docker targets are reported, not required.
    return json({ status: 'ok', docs: set.docs.length, targets: locals.core.health.snapshot() });
  } catch (error) {
    return json({ status: 'degraded', message: (error as Error).message }, 503);
  }
};
