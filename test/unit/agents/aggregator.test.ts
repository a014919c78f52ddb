import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../agents/intermediate/aggregator/brain.js';
import { BatchBuilder, type Alert, type CleanBatch } from '../../../runtime/contracts/index.js';

const T0 = 1_700_000_100_000; // a multiple of 300 s
const meta = { tier: 'app', owner: 'team', criticality: 'high' as const, dependsOn: [] };

function batch(service: string, samples: Array<[instance: string, metric: string, value: number, ts: number]>): CleanBatch {
  const b = new BatchBuilder();
  for (const [instance, metric, value, ts] of samples) b.add(service, instance, metric, value, ts);
  return b.clean(() => meta);
}

function alert(instance: string, metric: string, level: Alert['level'], ts: number): Alert {
  return { id: `a-${instance}-${metric}-${ts}`, service: 'api', instance, metric, level, rule: 'threshold', value: 95, threshold: 90, since: ts, ts };
}

describe('aggregator', () => {
  it('aggregator: computes count, mean, min, max, type-7 percentiles and last over all instances', () => {
    const agg = new Aggregator();
    const samples: Array<[string, string, number, number]> = [];
    for (let v = 1; v <= 100; v++) samples.push([`i${v % 4}`, 'cpu', v, T0 + (v % 60) * 500]);
    agg.observe(batch('api', samples));
    const [w] = agg.advance(T0 + 60_000);
    expect(w.service).toBe('api');
    expect([w.start, w.end, w.windowS]).toEqual([T0, T0 + 60_000, 60]);
    expect(w.instances).toBe(4);
    const cpu = w.metrics.cpu;
    expect(cpu.count).toBe(100);
    expect(cpu.mean).toBeCloseTo(50.5);
    expect([cpu.min, cpu.max]).toEqual([1, 100]);
    expect(cpu.p50).toBeCloseTo(50.5);
    expect(cpu.p90).toBeCloseTo(90.1);
    expect(cpu.p99).toBeCloseTo(99.01);
    expect(cpu.last).toBe(59); // the sample with the latest ts (59 * 500 ms)
  });

  it('aggregator: closes a window only once event time reaches its end, and skips empty windows', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['i1', 'rps', 10, T0 + 1000]]));
    expect(agg.advance(T0 + 59_999)).toEqual([]);
    expect(agg.advance(T0 + 60_000)).toHaveLength(1);
    expect(agg.advance(T0 + 240_000)).toEqual([]);
  });

  it('aggregator: rate is the change of the mean per second against the previous window', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['i1', 'cpu', 30, T0 + 5000]]));
    agg.observe(batch('api', [['i1', 'cpu', 60, T0 + 65_000]]));
    const windows = agg.advance(T0 + 120_000);
    expect(windows.map((w) => w.metrics.cpu.rate)).toEqual([0, 0.5]);
  });

  it('aggregator: counts samples arriving after their window closed as late and drops them', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['i1', 'cpu', 30, T0 + 5000]]));
    agg.advance(T0 + 60_000);
    agg.observe(batch('api', [['i1', 'cpu', 99, T0 + 6000]]));
    expect(agg.advance(T0 + 120_000)).toEqual([]);
    expect((agg.state() as { late: number }).late).toBe(1);
  });

  it('aggregator: takes the instance count from the instances metric when present', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['all', 'instances', 3, T0 + 1000], ['all', 'instances', 5, T0 + 2000], ['i1', 'cpu', 1, T0]]));
    expect(agg.advance(T0 + 60_000)[0].instances).toBe(5);
  });

  it('aggregator: confirms an alert only when two of several instances agree', () => {
    const agg = new Aggregator();
    const cpu = (i: string, ts: number): [string, string, number, number] => [i, 'cpu', 50, ts];
    agg.observe(batch('api', [cpu('i1', T0), cpu('i2', T0), cpu('i3', T0)]));
    agg.alert(alert('i1', 'cpu', 'red', T0 + 1000));
    expect(agg.advance(T0 + 60_000)[0].confirmedAlerts).toEqual([]);
    agg.observe(batch('api', [cpu('i1', T0 + 61_000), cpu('i2', T0 + 61_000), cpu('i3', T0 + 61_000)]));
    agg.alert(alert('i2', 'cpu', 'yellow', T0 + 62_000));
    expect(agg.advance(T0 + 120_000)[0].confirmedAlerts).toEqual([{ metric: 'cpu', level: 'yellow', instances: 2, rule: 'threshold' }]);
  });

  it('aggregator: confirms a single-instance service or a service-level alert alone, and clear ends it', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['i1', 'memory', 50, T0]]));
    agg.alert(alert('i1', 'memory', 'red', T0 + 1000));
    expect(agg.advance(T0 + 60_000)[0].confirmedAlerts).toEqual([{ metric: 'memory', level: 'red', instances: 1, rule: 'threshold' }]);
    agg.alert(alert('i1', 'memory', 'clear', T0 + 61_000));
    agg.observe(batch('api', [['i1', 'memory', 50, T0 + 130_000], ['i2', 'memory', 50, T0 + 130_000]]));
    agg.alert(alert('all', 'latency_ms', 'yellow', T0 + 125_000));
    const [w] = agg.advance(T0 + 180_000);
    expect(w.start).toBe(T0 + 120_000);
    expect(w.confirmedAlerts).toEqual([{ metric: 'latency_ms', level: 'yellow', instances: 1, rule: 'threshold' }]);
  });

  it('aggregator: a statistical alert clearing does not end a threshold alert on the same series', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['i1', 'cpu', 95, T0]]));
    agg.alert(alert('i1', 'cpu', 'red', T0));
    agg.alert({ ...alert('i1', 'cpu', 'yellow', T0 + 1000), rule: 'zscore' });
    agg.alert({ ...alert('i1', 'cpu', 'clear', T0 + 2000), rule: 'zscore' });
    agg.advance(T0 + 60_000);
    agg.observe(batch('api', [['i1', 'cpu', 95, T0 + 400_000]]));
    const [w] = agg.advance(T0 + 420_000);
    expect(w.confirmedAlerts).toEqual([{ metric: 'cpu', level: 'red', instances: 1, rule: 'threshold' }]);
  });

  it('aggregator: keeps a 5-minute window in state', () => {
    const agg = new Aggregator();
    for (let m = 0; m < 5; m++) agg.observe(batch('api', [['i1', 'rps', 100 + m * 10, T0 + m * 60_000]]));
    agg.advance(T0 + 300_000);
    const long = agg.longWindow('api');
    expect(long?.windowS).toBe(300);
    expect(long?.metrics.rps.mean).toBeCloseTo(120);
    expect(long?.metrics.rps.count).toBe(5);
  });

  it('aggregator: reset forgets every window', () => {
    const agg = new Aggregator();
    agg.observe(batch('api', [['i1', 'rps', 1, T0]]));
    agg.reset();
    expect(agg.advance(T0 + 60_000)).toEqual([]);
  });
});
