import type { APIRoute } from 'astro';
import { handWrittenPage, signInPageHtml } from '../../lib/http/index.ts';

/** How to sign in: the printed URL, a token, or the proxy. */
export const GET: APIRoute = () => handWrittenPage(signInPageHtml(null));
