import type { APIRoute } from 'astro';
import { json, jsonError } from '../../lib/http/index.ts';
import { searchAnswer } from '../../lib/views/index.ts';

/** Full-text search: `?q=` with `type`, `status`, `owner`, `limit` and `offset`; hits link to the section the words are in. */
export const GET: APIRoute = async ({ locals, url }) => {
  const answer = await searchAnswer(locals.core, url.searchParams);
  if (!answer.ok) return jsonError(400, 'InvalidSearchQuery', answer.message);
  return json(answer.result);
};
