import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received { method: string; path: string; headers: IncomingHttpHeaders; body: unknown; raw: string }

/** A real HTTP server on loopback that records every request and answers as told. */
export interface HttpReceiver {
  url: string;
  received: Received[];
  /** the answer to the next requests, in order; when empty, `fallback` */
  script: { status: number; body?: unknown }[];
  close(): Promise<void>;
}

export async function startHttpReceiver(fallback: { status: number; body?: unknown } = { status: 200, body: { ok: true } }): Promise<HttpReceiver> {
  const received: Received[] = [];
  const script: { status: number; body?: unknown }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      let body: unknown = raw;
      try { body = raw === '' ? null : JSON.parse(raw); } catch { body = raw; } // not JSON: kept as text for the test to see
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw });
      const answer = script.shift() ?? fallback;
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, received, script,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
