import { connect, type Socket } from 'node:net';

/** The local engine's socket, which test fronts (plain TCP, TLS, another unix path) forward to. */
export const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Forwards one client connection to the engine socket, both ways, and tears both ends down
 * together. `open` tracks live sockets so a front can close everything when it stops.
 */
export function pipeToEngine(client: Socket, open: Set<Socket>, upstream = DOCKER_SOCKET): void {
  const engine = connect(upstream);
  open.add(client);
  open.add(engine);
  const drop = () => {
    client.destroy();
    engine.destroy();
    open.delete(client);
    open.delete(engine);
  };
  client.on('error', drop).on('close', drop);
  engine.on('error', drop).on('close', drop);
  client.pipe(engine);
  engine.pipe(client);
}
