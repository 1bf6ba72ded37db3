// The viewers of bench/sse-fanout.ts, in a process of their own so that parsing 500 streams
// does not take CPU from the server it measures in the parent's process. Driven over IPC:
//   { open: url, count }  → { opened: count }
//   { waitFinished: runIds } → { finished: runIds } once every client has seen each finish
//   { receipts: true }    → { receipts, heartbeats }, and forgets them
//   { close: true }       → { closed: true } once every socket has closed here
import { SseClientPool } from '../test/support/sse-clients.ts';

type Command = { open: string; count: number } | { waitFinished: string[] } | { receipts: true } | { close: true };

let pool: SseClientPool | null = null;
let count = 0;
let watching: { runIds: string[]; timer: NodeJS.Timeout } | null = null;
const reply = (message: unknown) => process.send!(message);

process.on('message', async (command: Command) => {
  if ('open' in command) {
    count = command.count;
    pool = await SseClientPool.open(command.open, command.count);
    reply({ opened: count });
  } else if ('waitFinished' in command) {
    const runIds = command.waitFinished;
    // A tight check on a short timer: the receipts carry their own timestamps, so how soon this notices does not change the figures.
    const timer = setInterval(() => {
      if (runIds.every((id) => pool!.seen('finished', id) === count)) {
        clearInterval(timer);
        watching = null;
        reply({ finished: runIds });
      }
    }, 5);
    watching = { runIds, timer };
  } else if ('receipts' in command) {
    reply({ receipts: pool!.receipts.splice(0), heartbeats: pool!.heartbeatCount });
  } else if ('close' in command) {
    if (watching) clearInterval(watching.timer);
    await pool!.close();
    pool = null;
    reply({ closed: true });
  }
});
process.on('disconnect', () => process.exit(0));
