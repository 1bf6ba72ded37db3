import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** The encodings a cached body is kept in besides its own bytes. */
export type BodyEncoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Below this a compressed body saves less than the header costs. */
export const MIN_COMPRESSIBLE_BYTES = 512;

/**
 * The encoding to answer with for an `Accept-Encoding` header: brotli, then gzip, each only
 * when offered with a non-zero weight (`br;q=0` refuses it); null for the bytes as they are.
 */
export function preferredEncoding(acceptEncoding: string | null): BodyEncoding | null {
  if (!acceptEncoding) return null;
  const offered = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    if (name) offered.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: BodyEncoding) => offered.get(name) ?? offered.get('*') ?? 0;
  if (weightOf('br') > 0) return 'br';
  if (weightOf('gzip') > 0) return 'gzip';
  return null;
}

/** Whether a content type is text that compresses (HTML, JSON, SVG, Prometheus text). */
export function isCompressible(contentType: string | null): boolean {
  return contentType !== null && /^(text\/|application\/(json|xml|javascript)|image\/svg\+xml)/i.test(contentType);
}

/** The body in an encoding; brotli at a middle quality, since it runs once per cached body, on the request path. */
export async function encodeBody(body: Uint8Array, encoding: BodyEncoding): Promise<Uint8Array> {
  const out = encoding === 'br' ? await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } }) : await gzipped(body, { level: 6 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
