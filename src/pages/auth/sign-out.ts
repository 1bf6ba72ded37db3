import type { APIRoute } from 'astro';
import { clearSessionCookieHeader, json } from '../../lib/http/index.ts';

/** Ends the session: the cookie is removed. (The middleware has checked the CSRF token and audits it.) */
export const POST: APIRoute = ({ url }) => {
  const response = json({ signedOut: true });
  response.headers.append('set-cookie', clearSessionCookieHeader(url.protocol === 'https:'));
  return response;
};
