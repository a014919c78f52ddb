/**
 * A small HTTP load balancer for the live demo (loopback only): round-robin over the instances
 * the backends file lists (re-read when it changes), the next instance tried when one refuses
 * the connection, 502 when none answers. It measures what callers see and serves it on its own
 * /metrics as gauges over the last 10 s: request rate, error rate, p95 latency, instances in
 * service and the deployed version number, plus counters by status code.
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { PROM_CONTENT_TYPE, Registry } from '../prom.js';
import { readBackends, type Backends } from './backends.js';

const WINDOW_S = 10;

interface Second { at: number; count: number; errors: number; latencies: number[] }

/** Per-second buckets of the last WINDOW_S seconds. */
class Window {
  #seconds: Second[] = [];
  add(status: number, ms: number, now = Date.now()): void {
    const at = Math.floor(now / 1000);
    let s = this.#seconds.at(-1);
    if (!s || s.at !== at) { s = { at, count: 0, errors: 0, latencies: [] }; this.#seconds.push(s); }
    s.count++;
    if (status >= 500) s.errors++;
    s.latencies.push(ms);
    this.#trim(now);
  }
  summary(now = Date.now()): { rps: number; errorRate: number; p95: number } {
    this.#trim(now);
    const all = this.#seconds;
    const count = all.reduce((a, s) => a + s.count, 0);
    const errors = all.reduce((a, s) => a + s.errors, 0);
    const lat = all.flatMap((s) => s.latencies).sort((a, b) => a - b);
    return { rps: count / WINDOW_S, errorRate: count === 0 ? 0 : (100 * errors) / count, p95: lat.length === 0 ? 0 : lat[Math.min(lat.length - 1, Math.floor(0.95 * lat.length))] };
  }
  #trim(now: number): void {
    const oldest = Math.floor(now / 1000) - WINDOW_S + 1;
    while (this.#seconds.length > 0 && this.#seconds[0].at < oldest) this.#seconds.shift();
  }
}

export interface Balancer { url: string; port: number; close(): Promise<void> }

export async function startBalancer(opts: { backendsFile: string; port?: number }): Promise<Balancer> {
  let backends: Backends = readBackends(opts.backendsFile);
  let mtime = statSync(opts.backendsFile).mtimeMs;
  let next = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const window = new Window();
  const reg = new Registry();
  const requests = reg.counter('lb_requests_total', 'Requests answered by the balancer, by status code.');
  const gauges = {
    rps: reg.gauge('lb_rps', 'Requests per second over the last 10 s.'),
    errors: reg.gauge('lb_error_rate_percent', 'Share of 5xx answers over the last 10 s, percent.'),
    p95: reg.gauge('lb_latency_p95_ms', '95th percentile latency over the last 10 s, ms.'),
    backends: reg.gauge('lb_backends', 'Instances in service.'),
    version: reg.gauge('lb_deploy_version', 'Deployed version number (a change marks a deploy).'),
  };
  const refresh = (): void => {
    try {
      const m = statSync(opts.backendsFile).mtimeMs;
      if (m !== mtime) { backends = readBackends(opts.backendsFile); mtime = m; }
    } catch (err) {
      process.stderr.write(`balancer: keeping the last backends: ${(err as Error).message}\n`);
    }
  };
  const timer = setInterval(refresh, 200);

  const forward = (req: IncomingMessage, res: ServerResponse, t0: number, tries: number): void => {
    const urls = backends.urls;
    if (urls.length === 0 || tries >= urls.length) { finish(res, t0, 502, JSON.stringify({ error: 'no instance answered' })); return; }
    const target = new URL(req.url ?? '/', urls[next++ % urls.length]);
    const up = request(target, { method: req.method, agent, headers: req.headers, timeout: 5000 }, (r) => {
      const status = r.statusCode ?? 502;
      res.writeHead(status, r.headers);
      r.pipe(res);
      r.on('end', () => record(status, t0));
    });
    up.on('timeout', () => up.destroy(new Error('timeout')));
    up.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return;
      if (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET') forward(req, res, t0, tries + 1);
      else finish(res, t0, 504, JSON.stringify({ error: err.message }));
    });
    up.end();
  };
  const record = (status: number, t0: number): void => {
    requests.inc({ code: String(status) });
    window.add(status, performance.now() - t0);
  };
  const finish = (res: ServerResponse, t0: number, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
    record(status, t0);
  };
  const server = createServer((req, res) => {
    const t0 = performance.now();
    if (req.url === '/metrics') {
      const s = window.summary();
      gauges.rps.set({}, s.rps);
      gauges.errors.set({}, s.errorRate);
      gauges.p95.set({}, s.p95);
      gauges.backends.set({}, backends.urls.length);
      gauges.version.set({}, backends.versionNumber);
      res.writeHead(200, { 'content-type': PROM_CONTENT_TYPE });
      res.end(reg.render());
      return;
    }
    forward(req, res, t0, 0);
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()); });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, port,
    close: () => new Promise((resolve) => { clearInterval(timer); agent.destroy(); server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
