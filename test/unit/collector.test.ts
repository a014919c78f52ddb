import { describe, expect, it } from 'vitest';
import { SampleBuffer } from '../../agents/base/collector/buffer.js';
import { mapToMetrics, parsePrometheusText } from '../../agents/base/collector/prometheus.js';
import { CounterRates } from '../../agents/base/collector/sources.js';

const sample = (i: number) => ({ service: 'api', instance: 'i-1', metric: 'cpu', value: i, ts: i });

describe('collector', () => {
  it('sample buffer: keeps the newest samples up to its capacity and counts what it dropped', () => {
    const buffer = new SampleBuffer(3);
    buffer.push([sample(1), sample(2)]);
    buffer.push([sample(3), sample(4), sample(5)]);
    expect(buffer.size()).toBe(3);
    expect(buffer.dropped()).toBe(2);
    expect(buffer.drain().map((s) => s.value)).toEqual([3, 4, 5]);
    expect(buffer.size()).toBe(0);
  });

  it('prometheus: parses labels, escapes and special values, and reports lines it cannot read', () => {
    const { samples, errors } = parsePrometheusText([
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
    expect(samples[2].value).toBe(Infinity);
    expect(errors).toEqual(["line 6: cannot parse 'this is not a sample'"]);
    expect(mapToMetrics(samples, { http_requests_total: { metric: 'requests' } })).toEqual([{ metric: 'requests', value: 1030, unit: undefined }]);
  });

  it('counter rates: per-second rate between readings; none on the first reading or after a reset', () => {
    const rates = new CounterRates();
    expect(rates.rate('x', 100, 0)).toBeUndefined();
    expect(rates.rate('x', 150, 5000)).toBe(10);
    expect(rates.rate('x', 20, 10_000)).toBeUndefined();
  });
});
