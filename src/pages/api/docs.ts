import type { APIRoute } from 'astro';
import { describeDoc } from '../../lib/docs/index.ts';
import { json } from '../../lib/http/index.ts';

/** Every doc with its links both ways and its violations. */
export const GET: APIRoute = async ({ locals }) => {
  const set = await locals.core.docs.current();
  return json({ docs: set.docs.map((doc) => describeDoc(set, doc)), violations: set.violations, brokenLinks: set.broken });
};
