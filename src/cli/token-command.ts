// `runbook-live token create NAME --role ROLE`: mints a named API token for CI and scripts.
// The token is printed once; the configuration keeps only its SHA-256.
import { parseArgs } from 'node:util';
import { generateToken, hashToken, namedTokenSchema, ROLES } from '../lib/auth/index.ts';
import type { CommandIo } from './command-io.ts';

const USAGE = `Usage: runbook-live token create NAME --role ${ROLES.join('|')}

Prints a new random token once, and the entry to add under auth.tokens in runbook-live.yaml
(only its SHA-256 is kept there). Send it as: Authorization: Bearer <token>.`;

/** Mints a token; exit 0 on success, 2 on bad arguments. */
export async function runTokenCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.err(`runbook-live token: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const [verb, name, ...extra] = parsed.positionals;
  if (verb !== 'create' || !name || extra.length > 0) {
    io.err(`runbook-live token: expected 'token create NAME --role ROLE'\n\n${USAGE}\n`);
    return 2;
  }
  const token = generateToken();
  const entry = namedTokenSchema.safeParse({ name, role: parsed.values.role ?? 'operator', sha256: hashToken(token) });
  if (!entry.success) {
    io.err(`runbook-live token: ${entry.error.issues.map((issue) => `${issue.path.join('.') === 'role' ? '--role' : issue.path.join('.')}: ${issue.message}`).join('; ')}\n\n${USAGE}\n`);
    return 2;
  }
  io.out(`${token}\n`);
  io.err(
    `Token for '${entry.data.name}' (${entry.data.role}) printed above; it is not shown again. Add this under auth.tokens in runbook-live.yaml and restart:\n` +
      `  - { name: ${entry.data.name}, role: ${entry.data.role}, sha256: ${entry.data.sha256} }\n`,
  );
  return 0;
}
