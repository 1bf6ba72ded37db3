import { LineSplitter } from './line-splitter.ts';

/** One JSON message of the engine's `/build` progress stream, as far as we read it. */
export interface BuildEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

/** What a finished build stream said. */
export interface BuildStreamOutcome {
  /** `sha256:…` from the `aux.ID` event, or parsed from "Successfully built …". */
  imageId: string | undefined;
  /** The engine's failure message when the stream ended with an error event. */
  error: string | undefined;
}

/**
 * Consumes the raw bytes of a `/build` response: splits them into JSON messages, turns `stream`
 * text into log lines (keeping partial lines until complete), and remembers the image id and any
 * error. The engine reports build failures as a final error event on a 200 response, not as an
 * HTTP error, so the error has to be read from here.
 */
export class BuildEventReader {
  readonly #logs: LineSplitter;
  readonly #messages: LineSplitter;
  #imageId: string | undefined;
  #shortId: string | undefined;
  #error: string | undefined;

  /** @param onLog called once per complete build log line */
  constructor(onLog: (line: string) => void) {
    this.#logs = new LineSplitter(onLog);
    this.#messages = new LineSplitter((line) => this.#onMessage(line));
  }

  /** Feeds a chunk of the response body. */
  push(chunk: Buffer | string): void {
    this.#messages.push(chunk);
  }

  /** Ends the stream: flushes the last message and partial log line, and reports the outcome. */
  finish(): BuildStreamOutcome {
    this.#messages.flush();
    this.#logs.flush();
    return { imageId: this.#imageId ?? this.#shortId, error: this.#error };
  }

  #onMessage(line: string): void {
    if (line.trim() === '') return;
    let event: BuildEvent;
    try {
      event = JSON.parse(line) as BuildEvent;
    } catch {
      // Not JSON (an old engine or a proxy page): still worth showing to the reader.
      this.#logs.push(`${line}\n`);
      return;
    }
    if (typeof event.stream === 'string') {
      this.#logs.push(event.stream);
      const built = /^Successfully built ([0-9a-f]+)\s*$/.exec(event.stream);
      if (built) this.#shortId = built[1];
    }
    if (event.aux?.ID) this.#imageId = event.aux.ID;
    if (typeof event.status === 'string' && !event.progressDetail?.total) {
      this.#logs.push(`${event.id ? `${event.id}: ` : ''}${event.status}\n`);
    }
    if (event.error || event.errorDetail?.message) {
      this.#error = (event.errorDetail?.message ?? event.error ?? '').trim();
    }
  }
}
