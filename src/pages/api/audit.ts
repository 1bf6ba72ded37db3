import type { APIRoute } from 'astro';
import { json, jsonError } from '../../lib/http/index.ts';
import { parseAuditQuery } from '../../lib/views/index.ts';

/** The audit log, newest first, filtered by actor, action, outcome and time; `format=jsonl` gives one entry per line. Admins only (see the middleware). */
export const GET: APIRoute = ({ locals, url }) => {
  const parsed = parseAuditQuery(url.searchParams);
  if (!parsed.ok) return jsonError(400, 'InvalidAuditQuery', parsed.message);
  const { format, ...query } = parsed.query;
  const entries = locals.core.audit.list(query);
  if (format === 'jsonl') {
    const body = entries.map((entry) => JSON.stringify(entry)).join('\n');
    return new Response(body ? `${body}\n` : '', { headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' } });
  }
  return json({ entries });
};
