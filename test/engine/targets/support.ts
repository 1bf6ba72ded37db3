import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { expect } from 'vitest';
import type { RunJson } from '../runs/harness.ts';
import { pollUntil } from '../../support/poll.ts';
import { DOCKER_SOCKET, pipeToEngine } from '../../support/engine-pipe.ts';
import { testDocker } from '../../support/docker-leftovers.ts';

// Remote Docker hosts for the engine tests, all in front of the one real engine: a plain TCP
// front, a mutual-TLS front (certificates made with openssl) and an sshd whose sessions run
// `docker system dial-stdio`. Every helper owns what it starts and removes it on close().

/** A temp folder removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `runbook-live-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP (optionally TLS) listener on 127.0.0.1 that pipes each accepted connection to the engine socket. */
export interface EngineFront {
  port: number;
  /** Connections piped to the engine (for TLS: only the authorised ones). */
  piped(): number;
  /** Bytes sent to the engine through the front: grows with every request, kept-alive connection or new. */
  sentBytes(): number;
  /** TLS handshakes the front refused (client certificate missing or from another CA). */
  refused(): number;
  close(): Promise<void>;
}

export interface FrontTls {
  key: Buffer;
  cert: Buffer;
  ca: Buffer;
}

export async function startEngineFront(tls?: FrontTls): Promise<EngineFront> {
  const open = new Set<Socket>();
  let piped = 0;
  let refused = 0;
  let sentBytes = 0;
  const pipe = (client: Socket) => {
    piped += 1;
    client.on('data', (chunk: Buffer) => (sentBytes += chunk.length));
    pipeToEngine(client, open);
  };
  let server: Server;
  if (tls) {
    const secure = createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (client: TLSSocket) => {
      // rejectUnauthorized already drops the others; never pipe one that slipped through.
      if (!client.authorized) {
        refused += 1;
        client.destroy();
        return;
      }
      pipe(client);
    });
    secure.on('tlsClientError', () => (refused += 1));
    // Raw sockets, so close() can drop half-open handshakes too.
    secure.on('connection', (raw: Socket) => {
      open.add(raw);
      raw.on('close', () => open.delete(raw));
    });
    server = secure;
  } else {
    server = createNetServer(pipe);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    piped: () => piped,
    sentBytes: () => sentBytes,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => resolve());
      }),
  };
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA (key and certificate) in `dir`. */
function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}-key.pem`);
  const cert = path.join(dir, `${name}.pem`);
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=runbook-live test ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  return { cert, key };
}

/** A leaf certificate signed by `ca`, with the given extensions; writes `<name>-key.pem` and `<name>-cert.pem`. */
function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, subject: string, extensions: string[]): { cert: string; key: string } {
  const key = path.join(dir, `${name}-key.pem`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}-cert.pem`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, `${extensions.join('\n')}\n`);
  openssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subject);
  openssl(dir, 'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${Date.now().toString(16)}${name.length}`, '-days', '2', '-out', cert, '-extfile', ext);
  return { cert, key };
}

/** A folder laid out the way DOCKER_CERT_PATH (and `tls_cert_path`) expects. */
function writeCertPath(dir: string, ca: string, leaf: { cert: string; key: string }): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'ca.pem'), readFileSync(ca));
  writeFileSync(path.join(dir, 'cert.pem'), readFileSync(leaf.cert));
  writeFileSync(path.join(dir, 'key.pem'), readFileSync(leaf.key));
  return dir;
}

/** Throwaway certificates: the engine front's, a client's from the same CA, and a client's from another CA. */
export interface TestCertificates {
  server: FrontTls;
  /** ca.pem (the server's CA), cert.pem and key.pem of a client the server's CA signed. */
  clientDir: string;
  /** ca.pem (the server's CA, so the server is trusted), cert.pem and key.pem signed by a different CA. */
  strangerDir: string;
  /** ca.pem of a different CA (so the server is not trusted), with the genuine client's cert.pem and key.pem. */
  distrustingDir: string;
}

export function makeCertificates(root: string): TestCertificates {
  const work = path.join(root, 'work');
  mkdirSync(work);
  const ca = makeCa(work, 'ca');
  const otherCa = makeCa(work, 'other-ca');
  const server = makeLeaf(work, 'server', ca, '/CN=127.0.0.1', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const clientExt = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];
  const client = makeLeaf(work, 'client', ca, '/CN=runbook-live client', clientExt);
  const stranger = makeLeaf(work, 'stranger', otherCa, '/CN=runbook-live client', clientExt);
  return {
    server: { key: readFileSync(server.key), cert: readFileSync(server.cert), ca: readFileSync(ca.cert) },
    clientDir: writeCertPath(path.join(root, 'client'), ca.cert, client),
    strangerDir: writeCertPath(path.join(root, 'stranger'), ca.cert, stranger),
    distrustingDir: writeCertPath(path.join(root, 'distrusting'), otherCa.cert, client),
  };
}

/** An sshd on 127.0.0.1 accepting one key for root, and an ssh-agent holding that key. */
export interface SshHost {
  port: number;
  /** For the server's environment: the agent that holds the client key. */
  agentSocket: string;
  close(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resolves once something on 127.0.0.1:port greets like an SSH server. */
async function waitForSshBanner(port: number, timeoutMs: number, log: () => string): Promise<void> {
  await pollUntil(
    () => `sshd to answer on 127.0.0.1:${port}; it printed:\n${log()}`,
    async () => {
      const banner = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.setTimeout(1_000, () => socket.destroy());
        socket.on('data', (chunk) => {
          text += chunk.toString('latin1');
          if (text.includes('\n')) socket.destroy();
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve(text));
      });
      return banner.startsWith('SSH-2.0-');
    },
    { timeoutMs },
  );
}

export async function startSshHost(root: string, port: number): Promise<SshHost> {
  expect(existsSync(SSHD), `${SSHD} is needed for the ssh:// target (apt-get install -y openssh-server)`).toBe(true);
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'runbook-live-test', '-f', file], { stdio: 'ignore' });
  const hostKey = path.join(root, 'host_key');
  const clientKey = path.join(root, 'client_key');
  keygen(hostKey);
  keygen(clientKey);
  writeFileSync(path.join(root, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const config = path.join(root, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(root, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(root, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp folder is not root-only the way ~/.ssh would be.
      'StrictModes no',
      'MaxStartups 50',
      '',
    ].join('\n'),
  );
  // Privilege separation needs this folder; the distribution's service would create it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let log = '';
  const sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr!.on('data', (chunk) => (log += chunk));
  const agentSocket = path.join(root, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: ['ignore', 'ignore', 'pipe'] });
  agent.stderr!.on('data', (chunk) => (log += chunk));
  const close = async () => {
    await Promise.all([stopChild(sshd), stopChild(agent)]);
  };
  try {
    await waitForSshBanner(port, 10_000, () => log);
    await pollUntil(() => `ssh-agent to create ${agentSocket}; it printed:\n${log}`, () => existsSync(agentSocket), { timeoutMs: 5_000, everyMs: 50 });
    execFileSync('ssh-add', [clientKey], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    await close();
    throw error;
  }
  return { port, agentSocket, close };
}

/** A target as `GET /api/checks` lists it. */
export interface TargetHealthJson {
  name: string;
  url: string;
  reachable: boolean | null;
  engineVersion: string | null;
  apiVersion: string | null;
  error: string | null;
  checkedAt: string | null;
}

/** A dashboard row, as far as these tests look at it. */
export interface RowJson {
  key: string;
  blockId: string;
  target: string;
  status: string;
  reason: string | null;
  lastRun: { id: string; status: RunJson['status']; failureKind: string | null } | null;
}

export async function dashboard(base: string): Promise<{ rows: RowJson[]; targets: TargetHealthJson[] }> {
  const response = await fetch(`${base}/api/checks`);
  expect(response.status, 'GET /api/checks').toBe(200);
  return (await response.json()) as { rows: RowJson[]; targets: TargetHealthJson[] };
}

/** The engine's own version, to compare with what the dashboard reports for a remote target. */
export async function engineVersion(): Promise<{ Version: string; ApiVersion: string }> {
  return (await testDocker.version()) as { Version: string; ApiVersion: string };
}
