import type { APIRoute } from 'astro';
import { signInPageHtml } from '../../lib/http/index.ts';

/** How to sign in: the printed URL, a token, or the proxy. */
export const GET: APIRoute = () => new Response(signInPageHtml(null), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
