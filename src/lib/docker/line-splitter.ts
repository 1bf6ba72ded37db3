import { StringDecoder } from 'node:string_decoder';

/**
 * Turns arbitrary byte or text chunks into complete lines. A partial line is held until its
 * newline arrives or `flush()` is called at end of stream. `\r\n` counts as one line break.
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  // A multi-byte UTF-8 character may be cut between two chunks; the decoder keeps the halves.
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  /** @param onLine called once per complete line, without its line break */
  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Feeds a chunk; emits every line it completes. */
  push(chunk: Buffer | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    for (const part of parts) this.#onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  /** Emits the held partial line, if any. Call once at end of stream. */
  flush(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest.length > 0) this.#onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}
