import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBillableApiArgs, startBillableApi, type BillableApi } from '../../../sim/live/server.js';
import { assertLoopbackUrl, checkLoadOptions, runLoad } from '../../../sim/live/load.js';

/** Parses Prometheus text into `name{labels}` -> value. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

describe('live billable api', () => {
  let api: BillableApi;
  beforeAll(async () => { api = await startBillableApi({ port: 0, unitPrice: 0.05 }); });
  afterAll(async () => { await api.close(); });

  it('live: answers /health, /pay and /metrics on a random loopback port', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.port).toBeGreaterThan(0);
    expect(await (await fetch(`${api.url}/health`)).json()).toEqual({ status: 'ok' });
    let billed = 0;
    for (let i = 0; i < 3; i++) {
      const pay = (await (await fetch(`${api.url}/pay`)).json()) as { usage: number; cost: number };
      expect(pay.usage).toBeGreaterThan(0);
      expect(pay.cost).toBeCloseTo(pay.usage * 0.05, 2);
      billed += pay.cost;
    }
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    const res = await fetch(`${api.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const m = parseProm(await res.text());
    expect(m.get('http_requests_total{path="/pay",code="200"}')).toBe(3);
    expect(m.get('http_requests_total{path="/health",code="200"}')).toBe(1);
    expect(m.get('http_requests_total{path="other",code="404"}')).toBe(1);
    expect(m.get('http_request_duration_seconds_count{path="/pay"}')).toBe(3);
    expect(m.get('http_request_duration_seconds_bucket{path="/pay",le="+Inf"}')).toBe(3);
    expect(m.get('revenue_total')).toBeCloseTo(billed, 6);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(m.get('process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('load: sends a bounded loopback load and counts the answers', async () => {
    const r = await runLoad({ url: `${api.url}/pay`, rps: 50, durationS: 0.4 });
    expect(r.sent).toBe(20);
    expect(r.ok).toBe(20);
    expect(r.byStatus['200']).toBe(20);
    expect(r.latencyMs.p95).toBeGreaterThan(0);
    expect(r.durationS).toBeLessThan(5);
  });

  it('load: refuses a non-loopback URL and out-of-bounds rates', () => {
    expect(() => assertLoopbackUrl('http://example.com/pay')).toThrow(/refusing .*127\.0\.0\.0\/8 or localhost/);
    expect(() => assertLoopbackUrl('http://10.0.0.1/pay')).toThrow(/refusing/);
    expect(() => assertLoopbackUrl('http://127.evil.com/')).toThrow(/refusing/);
    expect(() => assertLoopbackUrl('https://127.0.0.1/')).toThrow(/only http/);
    expect(assertLoopbackUrl('http://localhost:8080/pay').port).toBe('8080');
    expect(assertLoopbackUrl('http://127.1.2.3/').hostname).toBe('127.1.2.3');
    expect(() => checkLoadOptions({ url: 'http://127.0.0.1/', rps: 5000, durationS: 1 })).toThrow(RangeError);
    expect(() => checkLoadOptions({ url: 'http://127.0.0.1/', rps: 5, durationS: 3600 })).toThrow(/durationS/);
    return expect(runLoad({ url: 'http://192.168.1.1/', rps: 1, durationS: 1 })).rejects.toThrow(/refusing/);
  });

  it('live: the entry parses its flags and refuses bad ones', () => {
    expect(parseBillableApiArgs(['--port', '0', '--unit-price', '0.1'])).toEqual({ port: 0, unitPrice: 0.1 });
    expect(() => parseBillableApiArgs(['--port', 'x'])).toThrow(/--port needs a number/);
    expect(() => parseBillableApiArgs(['--host', '0.0.0.0'])).toThrow(/unknown flag '--host'/);
  });
});
