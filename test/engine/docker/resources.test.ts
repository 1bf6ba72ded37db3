import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MANAGED_LABEL, RUN_ID_LABEL } from '../../../src/lib/docker/labels.ts';
import { pollUntil } from '../../support/poll.ts';
import { BASE_IMAGE, engineClient, expectNoManagedLeftovers, outputRecorder, uniqueRunId, waitForBaseImage } from './support.ts';

const client = engineClient();

/** A tar of the given files, as putArchive takes it. */
async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-tar-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    const chunks: Buffer[] = [];
    await pipeline(
      pack(dir) as unknown as Readable,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }),
    );
    return Buffer.concat(chunks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Extracts a tar buffer and reads one file from it. */
async function readFromTar(tar: Buffer, name: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-untar-'));
  try {
    await pipeline(Readable.from([tar]), extract(dir) as unknown as Writable);
    return readFileSync(path.join(dir, name), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('volumes, archives and managed-resource cleanup (real engine)', () => {
  beforeAll(async () => {
    await waitForBaseImage(client);
  });

  beforeEach(() => client.newScope());

  afterEach(async ({ task }) => {
    await expectNoManagedLeftovers(client, task);
  });

  it('copies files into a created container, runs it and copies the result out', async () => {
    const runId = uniqueRunId('archive');
    const volume = await client.createVolume({ [RUN_ID_LABEL]: runId });
    const listed = (await client.listManagedVolumes()).find((v) => v.name === volume);
    expect(listed?.labels).toMatchObject({ [RUN_ID_LABEL]: runId, [MANAGED_LABEL]: 'true' });

    const script = 'text = open("/work/in.txt").read()\nopen("/work/out.txt", "w").write(text.upper())\nprint("done")';
    const id = await client.createContainer({
      image: BASE_IMAGE,
      cmd: ['python3', '-c', script],
      readOnly: true,
      network: 'none',
      volumes: [{ volume, target: '/work' }],
      labels: { [RUN_ID_LABEL]: runId },
    });
    try {
      // Allowed on a read-only root because /work is a volume mount.
      await client.putArchive(id, '/work', await tarOf({ 'in.txt': 'contract check\n' }));
      const out = outputRecorder();
      const result = await client.startAndWait(id, { timeoutMs: 20_000 }, { onLog: out.onLog });
      expect(result).toMatchObject({ exitCode: 0, containerId: id });
      expect(out.stdout()).toEqual(['done']);
      const tar = await client.getArchive(id, '/work/out.txt');
      expect(await readFromTar(tar, 'out.txt')).toBe('CONTRACT CHECK\n');
    } finally {
      await client.removeContainer(id);
      await client.removeVolume(volume);
    }
    // Removing what is already gone is not an error.
    await client.removeContainer(id);
    await client.removeVolume(volume);
  });

  it('removes orphaned managed containers and volumes, optionally by label', async () => {
    const mine = uniqueRunId('orphans');
    const other = uniqueRunId('others');
    const a = await client.createContainer({ image: BASE_IMAGE, cmd: ['sleep', '30'], labels: { [RUN_ID_LABEL]: mine } });
    const b = await client.createContainer({ image: BASE_IMAGE, cmd: ['true'], labels: { [RUN_ID_LABEL]: mine } });
    const c = await client.createContainer({ image: BASE_IMAGE, cmd: ['true'], labels: { [RUN_ID_LABEL]: other } });
    const volume = await client.createVolume({ [RUN_ID_LABEL]: mine });
    // A running orphan must go too, as after a crash mid-run.
    const running = client.startAndWait(a);
    await pollUntil(`orphan ${a} to be running`, async () => (await client.listManaged()).find((x) => x.id === a)?.state === 'running');

    const removed = await client.removeManaged({ [RUN_ID_LABEL]: mine });
    expect(removed.containers.sort()).toEqual([a, b].sort());
    expect(removed.volumes).toEqual([volume]);
    // Other test runs may have managed containers on this engine too: only this test's count.
    expect((await client.listManaged()).filter((x) => client.inScope(x)).map((x) => x.id)).toEqual([c]);
    // The waiting run sees its container killed by the cleanup and still returns a result.
    expect((await running).exitCode).toBe(137);

    // Without labels removeManaged() takes every managed container on the engine, other runs'
    // as well; this test's scope label stands in for "all" so that it removes only its own.
    const rest = await client.removeManaged(client.scopeLabels);
    expect(rest.containers).toEqual([c]);
    expect(rest.volumes).toEqual([]);
  });
});
