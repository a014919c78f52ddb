import { Agent, request } from 'node:http';

/** Hard bounds: this generator is for loopback demos and tests, not for load testing others. */
export const LOAD_LIMITS = { maxRps: 1000, maxDurationS: 600, maxInFlight: 256, requestTimeoutMs: 5000 } as const;

/** What to send: GET `url` at `rps` requests per second for `durationS` seconds. */
export interface LoadOptions {
  url: string;
  rps: number;
  durationS: number;
  /** stops sending early (requests in flight still complete) */
  signal?: AbortSignal;
}

/** What happened: counts by outcome and latency of the answered requests (ms). */
export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Not sent because LOAD_LIMITS.maxInFlight requests were already waiting. */
  skipped: number;
  byStatus: Record<string, number>;
  latencyMs: { mean: number; p50: number; p95: number; max: number };
  durationS: number;
}

/**
 * Checks that a URL is plain HTTP to a loopback address (127.0.0.0/8 or `localhost`).
 * Throws an Error naming the URL otherwise: the generator never sends traffic elsewhere.
 */
export function assertLoopbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`load: '${raw}' is not a URL`);
  }
  if (url.protocol !== 'http:') throw new Error(`load: refusing ${raw}: only http:// to loopback is allowed`);
  const host = url.hostname;
  const octets = host.split('.');
  const isV4Loopback = octets.length === 4 && octets[0] === '127'
    && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
  if (host !== 'localhost' && !isV4Loopback) {
    throw new Error(`load: refusing ${raw}: target must be on 127.0.0.0/8 or localhost`);
  }
  return url;
}

/** Validates the bounds; throws a RangeError naming the option. */
export function checkLoadOptions(o: LoadOptions): URL {
  const url = assertLoopbackUrl(o.url);
  if (!(o.rps > 0 && o.rps <= LOAD_LIMITS.maxRps)) throw new RangeError(`load: rps must be in (0, ${LOAD_LIMITS.maxRps}]`);
  if (!(o.durationS > 0 && o.durationS <= LOAD_LIMITS.maxDurationS)) {
    throw new RangeError(`load: durationS must be in (0, ${LOAD_LIMITS.maxDurationS}]`);
  }
  return url;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Sends GET requests to a loopback URL at a steady rate, stops by itself after `durationS`,
 * waits for the requests in flight (each times out after 5 s) and returns the counts.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = checkLoadOptions(opts);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  const res = { sent: 0, ok: 0, failed: 0, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const one = (): Promise<void> => new Promise<void>((resolve) => {
    const t0 = performance.now();
    const done = (status: string): void => {
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status.startsWith('2')) { res.ok++; latencies.push(performance.now() - t0); } else res.failed++;
      resolve();
    };
    const req = request(url, { agent, method: 'GET', timeout: LOAD_LIMITS.requestTimeoutMs }, (r) => {
      r.resume();
      r.on('end', () => done(String(r.statusCode ?? 0)));
      r.on('error', () => done('error'));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => done(e.message === 'timeout' ? 'timeout' : 'error'));
    req.end();
  });
  const start = performance.now();
  const total = Math.round(opts.rps * opts.durationS);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (opts.signal?.aborted) break;
    if (inFlight.size >= LOAD_LIMITS.maxInFlight) { res.skipped++; continue; }
    res.sent++;
    const p = one().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0;
  return {
    ...res, byStatus,
    latencyMs: { mean, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: latencies.at(-1) ?? 0 },
    durationS: (performance.now() - start) / 1000,
  };
}
