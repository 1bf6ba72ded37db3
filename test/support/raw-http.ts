import { request } from 'node:http';

/** What came back from a raw HTTP request. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request through `node:http`, which, unlike `fetch`, sends the `Host` header it is
 * given. `chunks` are written one by one without a length (chunked transfer encoding); the
 * answer is returned as soon as it is complete, even if the server stopped reading the body
 * early (later write errors are then expected and ignored).
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; chunks?: Buffer[] } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.chunks) {
      const write = (index: number): void => {
        if (index >= options.chunks!.length || req.destroyed) return void req.end();
        if (req.write(options.chunks![index]!)) write(index + 1);
        else req.once('drain', () => write(index + 1));
      };
      write(0);
    } else {
      req.end(options.body);
    }
  });
}
