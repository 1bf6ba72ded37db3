import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../../src/lib/http/index.ts';

/** A request whose body arrives in chunks and declares no length, as a chunked upload does. */
function chunked(chunks: string[], type = 'application/json'): Request {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Request('http://127.0.0.1/api/runs', { method: 'POST', body, headers: { 'content-type': type }, duplex: 'half' } as RequestInit);
}

describe('readJsonBody', () => {
  it('reads a JSON body within the limit', async () => {
    expect(await readJsonBody(chunked(['{"block":', '"RUN-x/a"}']), 100)).toEqual({ ok: true, body: { block: 'RUN-x/a' } });
  });

  it('stops reading a body the moment it passes the limit', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const request = new Request('http://127.0.0.1/api/runs', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(await readJsonBody(request, 4096)).toEqual({ ok: false, status: 413, code: 'PayloadTooLarge', message: 'The request body is larger than 4096 bytes, the limit (server.body_limit_bytes in runbook-live.yaml).' });
    expect(pulled).toBeLessThan(10);
  });

  it('counts bytes, not characters', async () => {
    expect((await readJsonBody(chunked([JSON.stringify('å'.repeat(30))]), 40)).ok).toBe(false);
    expect((await readJsonBody(chunked([JSON.stringify('a'.repeat(30))]), 40)).ok).toBe(true);
  });

  it('still refuses other media types and broken JSON', async () => {
    expect(await readJsonBody(chunked(['x=1'], 'application/x-www-form-urlencoded'))).toMatchObject({ ok: false, status: 415, code: 'UnsupportedMediaType' });
    expect(await readJsonBody(chunked(['{"a":'])) ).toMatchObject({ ok: false, status: 400, code: 'InvalidJson' });
    expect(await readJsonBody(chunked([]))).toMatchObject({ ok: false, status: 400, code: 'InvalidJson' });
  });
});
