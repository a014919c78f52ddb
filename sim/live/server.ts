import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng } from '../prng.js';
import { PROM_CONTENT_TYPE, Registry } from './prom.js';

/** Options of the live billable API (seed 000). */
export interface BillableApiOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Price of one usage unit: cost = usage x unitPrice. */
  unitPrice?: number;
  /** Seed of the usage draws (deterministic sequence of /pay answers). */
  seed?: number;
  /** Share (0-1) of /pay requests answered 500, to exercise detection live. */
  errorRate?: number;
  /** Extra latency added to /pay, ms. */
  extraLatencyMs?: number;
}

/** A running live API. */
export interface BillableApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Starts the billable API of seed 000 on 127.0.0.1 (never another interface):
 * GET /health -> {"status":"ok"}; GET /pay -> {"usage": n, "cost": n x unitPrice};
 * GET /metrics -> Prometheus text (http_requests_total{path,code},
 * http_request_duration_seconds histogram{path}, process CPU and memory, usage and revenue totals).
 */
export async function startBillableApi(opts: BillableApiOptions = {}): Promise<BillableApi> {
  const unitPrice = opts.unitPrice ?? 0.05;
  const errorRate = opts.errorRate ?? 0;
  const extraMs = opts.extraLatencyMs ?? 0;
  const rng = createRng(opts.seed ?? 1);
  const reg = new Registry();
  const requests = reg.counter('http_requests_total', 'HTTP requests by path and status code.');
  const duration = reg.histogram('http_request_duration_seconds', 'HTTP request latency by path.', BUCKETS);
  const usageTotal = reg.counter('pay_usage_total', 'Usage units billed by /pay.');
  const revenue = reg.counter('revenue_total', 'Revenue billed by /pay (usage x unit price).');
  const cpu = reg.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.');
  const rss = reg.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.');
  const heap = reg.gauge('nodejs_heap_used_bytes', 'V8 heap in use, bytes.');
  const price = reg.gauge('pay_unit_price', 'Price of one usage unit.');
  price.set({}, unitPrice);
  revenue.inc({}, 0);
  let lastCpu = 0;

  const send = (res: ServerResponse, code: number, body: string, type = 'application/json'): void => {
    res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const t0 = process.hrtime.bigint();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const known = path === '/health' || path === '/pay' || path === '/metrics';
    let code = 200;
    if (req.method !== 'GET') {
      code = 405;
      send(res, code, JSON.stringify({ error: 'method not allowed' }));
    } else if (path === '/health') {
      send(res, code, JSON.stringify({ status: 'ok' }));
    } else if (path === '/pay') {
      if (extraMs > 0) await new Promise((r) => setTimeout(r, extraMs));
      if (rng.next() < errorRate) {
        code = 500;
        send(res, code, JSON.stringify({ error: 'payment backend failed' }));
      } else {
        const usage = 1 + Math.floor(rng.next() * 1000);
        const cost = Math.round(usage * unitPrice * 100) / 100;
        usageTotal.inc({}, usage);
        revenue.inc({}, cost);
        send(res, code, JSON.stringify({ usage, cost }));
      }
    } else if (path === '/metrics') {
      const u = process.cpuUsage();
      const total = (u.user + u.system) / 1e6;
      cpu.inc({}, Math.max(0, total - lastCpu));
      lastCpu = Math.max(lastCpu, total);
      const mem = process.memoryUsage();
      rss.set({}, mem.rss);
      heap.set({}, mem.heapUsed);
      send(res, code, reg.render(), PROM_CONTENT_TYPE);
    } else {
      code = 404;
      send(res, code, JSON.stringify({ error: 'not found' }));
    }
    const label = known ? path : 'other';
    requests.inc({ path: label, code: String(code) });
    duration.observe({ path: label }, Number(process.hrtime.bigint() - t0) / 1e9);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: String(err) }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

/** Parses the entry's command line (`--port N` ...); throws naming the bad flag. */
export function parseBillableApiArgs(argv: string[]): BillableApiOptions {
  const flags: Record<string, keyof BillableApiOptions> = {
    '--port': 'port', '--unit-price': 'unitPrice', '--error-rate': 'errorRate', '--latency-ms': 'extraLatencyMs', '--seed': 'seed',
  };
  const opts: BillableApiOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const key = flags[argv[i]];
    const v = Number(argv[i + 1]);
    if (!key) throw new Error(`billable-api: unknown flag '${argv[i]}' (known: ${Object.keys(flags).join(', ')})`);
    if (argv[i + 1] === undefined || !Number.isFinite(v) || v < 0) throw new Error(`billable-api: ${argv[i]} needs a number >= 0`);
    if (key === 'port' && (!Number.isInteger(v) || v > 65535)) throw new Error('billable-api: --port must be an integer 0-65535');
    if (key === 'errorRate' && v > 1) throw new Error('billable-api: --error-rate must be 0-1');
    opts[key] = v;
    i++;
  }
  return opts;
}
