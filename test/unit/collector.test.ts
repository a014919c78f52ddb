import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SampleBuffer } from '../../agents/base/collector/buffer.js';
import { MetricRule } from '../../agents/base/collector/config.js';
import { histogramQuantile, parsePrometheusText } from '../../agents/base/collector/prometheus.js';
import { CounterMemory, evaluateRule } from '../../agents/base/collector/rules.js';
import { scrapeTarget } from '../../agents/base/collector/scrape.js';
import { checkWithDefaults } from '../../runtime/contracts/index.js';

const sample = (i: number) => ({ service: 'api', instance: 'i-1', metric: 'cpu', value: i, ts: i });
const rule = (r: Record<string, unknown>): MetricRule => {
  const c = checkWithDefaults(MetricRule, structuredClone(r));
  if (!c.ok) throw new Error(JSON.stringify(c.problems));
  return c.value;
};

const nodeCpu = (idle: number, user: number) => parsePrometheusText([
  '# TYPE node_cpu_seconds_total counter',
  ...[0, 1].flatMap((cpu) => [
    `node_cpu_seconds_total{cpu="${cpu}",mode="idle"} ${idle}`,
    `node_cpu_seconds_total{cpu="${cpu}",mode="user"} ${user}`,
    `node_cpu_seconds_total{cpu="${cpu}",mode="system"} ${user / 2}`,
  ]),
  '# TYPE node_filesystem_avail_bytes gauge',
  'node_filesystem_avail_bytes{mountpoint="/"} 1000',
  'node_filesystem_avail_bytes{mountpoint="/boot"} 200',
  'node_filesystem_avail_bytes{mountpoint="/run"} 50',
].join('\n'));

describe('collector', () => {
  it('sample buffer: keeps the newest samples up to its capacity and counts what it dropped', () => {
    const buffer = new SampleBuffer(3);
    buffer.push([sample(1), sample(2)]);
    buffer.push([sample(3), sample(4), sample(5)]);
    expect(buffer.size()).toBe(3);
    expect(buffer.dropped()).toBe(2);
    expect(buffer.drain().map((s) => s.value)).toEqual([3, 4, 5]);
  });

  it('prometheus: parses labels, escapes, special values and # TYPE, and reports lines it cannot read', () => {
    const { samples, errors, types } = parsePrometheusText([
      '# HELP http_requests_total Requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{path="/pay",code="200"} 1027',
      'http_requests_total{path="/pay",code="500"} 3 1700000000000',
      'label_test{note="a \\"quoted\\" word"} +Inf',
      'this is not a sample',
    ].join('\n'));
    expect(samples).toHaveLength(3);
    expect(samples[0]).toEqual({ name: 'http_requests_total', labels: { path: '/pay', code: '200' }, value: 1027 });
    expect(samples[2].labels.note).toBe('a "quoted" word');
    expect(types.get('http_requests_total')).toBe('counter');
    expect(errors).toEqual(["line 6: cannot parse 'this is not a sample'"]);
  });

  it('node CPU: busy share per CPU from the counters with idle excluded, not a sum over every mode (~2.0)', () => {
    const memory = new CounterMemory();
    const cpu = rule({ from: 'node_cpu_seconds_total', metric: 'cpu', match: { mode: '!idle' }, sumBy: ['cpu'], aggregate: 'avg', unit: 'ratio' });
    expect(evaluateRule(cpu, nodeCpu(100, 10), memory, 't', 0)).toEqual({ pending: true });
    // 10 s later: each CPU spent 2 s user + 1 s system and 7 s idle -> 30 % busy
    const r = evaluateRule(cpu, nodeCpu(107, 12), memory, 't', 10_000);
    expect(r).toEqual({ value: expect.closeTo(0.3, 9) });
  });

  it('filesystem bytes: one mount point selected, not summed over mounts; regex selectors anchored', () => {
    const expo = nodeCpu(1, 1);
    expect(evaluateRule(rule({ from: 'node_filesystem_avail_bytes', metric: 'disk_free', match: { mountpoint: '/' } }), expo, new CounterMemory(), 't', 0)).toEqual({ value: 1000 });
    expect(evaluateRule(rule({ from: 'node_filesystem_avail_bytes', metric: 'disk_free', match: { mountpoint: '~/b.*' } }), expo, new CounterMemory(), 't', 0)).toEqual({ value: 200 });
    expect(evaluateRule(rule({ from: 'node_filesystem_avail_bytes', metric: 'disk_free', match: { mountpoint: '!~/r.*' }, aggregate: 'max' }), expo, new CounterMemory(), 't', 0)).toEqual({ value: 1000 });
    const none = evaluateRule(rule({ from: 'node_filesystem_avail_bytes', metric: 'x', match: { mountpoint: '/nope' } }), expo, new CounterMemory(), 't', 0);
    expect(none).toEqual({ problem: expect.stringContaining('no series of node_filesystem_avail_bytes matches') });
  });

  it('histograms: the quantile of the bucket increases (as histogram_quantile), never the buckets summed', () => {
    const text = (n: number) => parsePrometheusText([
      '# TYPE d histogram',
      `d_bucket{path="/pay",le="0.1"} ${n * 50}`, `d_bucket{path="/pay",le="0.5"} ${n * 90}`,
      `d_bucket{path="/pay",le="1"} ${n * 100}`, `d_bucket{path="/pay",le="+Inf"} ${n * 100}`,
      `d_bucket{path="/health",le="0.1"} ${n * 1000}`, `d_bucket{path="/health",le="0.5"} ${n * 1000}`,
      `d_bucket{path="/health",le="1"} ${n * 1000}`, `d_bucket{path="/health",le="+Inf"} ${n * 1000}`,
      `d_sum{path="/pay"} ${n * 20}`, `d_count{path="/pay"} ${n * 100}`,
    ].join('\n'));
    const memory = new CounterMemory();
    const p95 = rule({ from: 'd', metric: 'latency_ms', match: { path: '/pay' }, quantile: 0.95, unit: 's' });
    expect(evaluateRule(p95, text(1), memory, 't', 0)).toEqual({ pending: true });
    // increases: 50 under 0.1, 40 in (0.1, 0.5], 10 in (0.5, 1] -> rank 95 is halfway into the last bucket
    expect(evaluateRule(p95, text(2), memory, 't', 1000)).toEqual({ value: expect.closeTo(0.75, 9) });
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 10 }])).toBe(1);
  });

  it('counters: per-series rates summed; a reset counts the new value, as rate() does', () => {
    const memory = new CounterMemory();
    expect(memory.rate('x', 100, 0)).toBeUndefined();
    expect(memory.rate('x', 150, 5000)).toBe(10);
    expect(memory.rate('x', 20, 10_000)).toBe(4);
  });

  it('an unreachable target is reported with its URL and the reason, not "fetch failed"', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const url = `http://127.0.0.1:${port}/metrics`;
    const err = await scrapeTarget({ service: 'a', instance: 'i', url, headers: {}, metrics: [] }, 0, new CounterMemory(), 1000).catch((e: Error) => e);
    expect(String((err as Error).message)).toBe(`${url}: connection refused (ECONNREFUSED)`);
  });
});
