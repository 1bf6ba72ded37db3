import { AUTOSTART_WANTED } from './disable-autostart.ts';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { handler, options } from '@astrojs/node/server.js';
import { generateToken } from '../lib/auth/index.ts';
import { BASELINE_SECURITY_HEADERS, LOCKED_DOWN_CSP } from '../lib/http/index.ts';
import { earlyAnswers } from './early-answers.ts';

type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Every response gets the baseline security headers and a locked-down CSP before the adapter
 * sees the request. Rendered responses overwrite them with their own (Node merges `writeHead`'s
 * headers over these, the later winning), so pages keep Astro's policy; files the adapter
 * serves from dist/client keep these.
 */
function guarded(inner: NodeHandler): NodeHandler {
  return (req, res) => {
    for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('content-security-policy', LOCKED_DOWN_CSP);
    // A cached page for a request without credentials is written here, skipping Astro's
    // request and response conversions; anything else goes through the middleware.
    const cache = earlyAnswers.cache;
    if (!cache || req.method !== 'GET') return inner(req, res);
    cache.answerEarly(req, res).then(
      (answered) => answered || inner(req, res),
      () => inner(req, res),
    );
  };
}

/** Listens where the adapter's standalone server would: `HOST`/`PORT`, else the configured ones; TLS with `SERVER_CERT_PATH` and `SERVER_KEY_PATH`. */
function start(): http.Server {
  const port = process.env.PORT ? Number(process.env.PORT) : (options.port ?? 8080);
  const configured = options.host;
  const host = process.env.HOST ?? (typeof configured === 'boolean' ? (configured ? '0.0.0.0' : 'localhost') : configured);
  const listener = guarded(handler as unknown as NodeHandler);
  const server =
    process.env.SERVER_CERT_PATH && process.env.SERVER_KEY_PATH
      ? https.createServer({ key: readFileSync(process.env.SERVER_KEY_PATH), cert: readFileSync(process.env.SERVER_CERT_PATH) }, listener)
      : http.createServer(listener);
  // Like Jupyter: the admin's token is RUNBOOK_LIVE_TOKEN, or one made here, and the URL that
  // signs in with it is printed as soon as the server listens, before anyone has to ask.
  const tokenFromEnvironment = Boolean(process.env.RUNBOOK_LIVE_TOKEN);
  if (!tokenFromEnvironment) process.env.RUNBOOK_LIVE_TOKEN = generateToken();
  server.listen(port, host, () => {
    const protocol = process.env.SERVER_CERT_PATH ? 'https' : 'http';
    const address = server.address();
    const listening = typeof address === 'object' && address ? address.port : port;
    const reachable = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const base = `${protocol}://${reachable}:${listening}/`;
    if (process.env.ASTRO_NODE_LOGGING !== 'disabled') console.log(`runbook-live listening on ${base}`);
    console.log(`runbook-live: sign in as admin at ${base}?token=${tokenFromEnvironment ? '<RUNBOOK_LIVE_TOKEN>' : process.env.RUNBOOK_LIVE_TOKEN}`);
  });
  return server;
}

if (AUTOSTART_WANTED) start();

export { handler, options, start as startServer };
