import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY = 4 * 1024 * 1024;

/** What a POST handler answers: an HTTP status and a JSON body. */
export interface Reply { status: number; body: unknown }

/** A listening HTTP receiver. */
export interface Listening { url: string; close(): Promise<void> }

/**
 * A small JSON-over-HTTP receiver: POST bodies up to 4 MiB are parsed as JSON and handed to
 * `handle`; anything else is answered with a status and a message saying what was wrong.
 */
export async function listenJson(host: string, port: number, handle: (path: string, body: unknown, req: IncomingMessage) => Reply): Promise<Listening> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST') { send(res, 405, { error: `${req.method} ${path}: only POST is accepted` }); return; }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { send(res, 413, { error: `body larger than ${MAX_BODY} bytes` }); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        send(res, 400, { error: `body is not JSON: ${(err as Error).message}` });
        return;
      }
      try {
        const reply = handle(path, body, req);
        send(res, reply.status, reply.body);
      } catch (err) {
        send(res, 500, { error: (err as Error).message });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host}:${addr.port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
