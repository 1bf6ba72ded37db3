#!/usr/bin/env node
// Starts the built server (`npm run serve`, `npm start`) and prints the admin's sign-in URL as
// soon as it listens, the way Jupyter does. The token is RUNBOOK_LIVE_TOKEN, or a random one
// made here and handed to the server through its environment.
// Usage: node bin/serve.mjs [path/to/dist/server/entry.mjs]
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../dist/server/entry.mjs'));
const fromEnvironment = Boolean(process.env.RUNBOOK_LIVE_TOKEN);
if (!fromEnvironment) process.env.RUNBOOK_LIVE_TOKEN = `rl_${randomBytes(32).toString('base64url')}`;
// The adapter starts listening on import unless told not to; we start it ourselves to see when it listens.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { startServer } = await import(pathToFileURL(entry).href);
const { server, done } = startServer();
server.server.once('listening', () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : server.port;
  const wildcard = ['0.0.0.0', '::', undefined].includes(server.host);
  const host = wildcard ? '127.0.0.1' : server.host.includes(':') ? `[${server.host}]` : server.host;
  const protocol = process.env.SERVER_CERT_PATH && process.env.SERVER_KEY_PATH ? 'https' : 'http';
  const base = `${protocol}://${host}:${port}/`;
  if (fromEnvironment) console.log(`runbook-live: sign in as admin at ${base}?token=<RUNBOOK_LIVE_TOKEN>`);
  else console.log(`runbook-live: sign in as admin at ${base}?token=${process.env.RUNBOOK_LIVE_TOKEN}`);
});
done.catch((error) => {
  console.error(error);
  process.exit(1);
});
