import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../agents/base/detector/default-rules.js';
import { ThresholdRules, type ThresholdEvent } from '../../../agents/base/detector/brains/index.js';

const T0 = Date.UTC(2024, 0, 1);
const key = { service: 'api', instance: 'i-1', metric: 'cpu' };

/** Feeds `values` at one sample every `stepS` seconds; returns every event. */
function feed(rules: ThresholdRules, values: number[], stepS = 10, k = key, start = T0): ThresholdEvent[] {
  return values.flatMap((v, i) => rules.observe(k, v, start + i * stepS * 1000));
}

const repeat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

describe('threshold rules', () => {
  it('threshold-rules: the defaults are seed 001 §1.3', () => {
    expect(DEFAULT_RULES).toMatchObject({
      cpu: { yellow: 70, red: 90, holdS: 300 }, memory: { yellow: 75, red: 95, holdS: 300 },
      disk_iops: { yellow: 5000, red: 8000, holdS: 60 }, network: { yellow: 80, red: 95, holdS: 300 },
      latency_ms: { yellow: 200, red: 500, holdS: 60 }, db_latency_ms: { yellow: 50, red: 200, holdS: 60 },
      queue_depth: { yellow: 1000, red: 5000, holdS: 60 }, error_rate: { yellow: 1, red: 5, holdS: 300 },
      success_rate: { yellow: 98, red: 95, holdS: 300, direction: 'below' },
    });
  });

  it('threshold-rules: a breach shorter than the hold raises nothing', () => {
    expect(feed(new ThresholdRules(), [...repeat(75, 30), ...repeat(50, 10)])).toEqual([]);
  });

  it('threshold-rules: a breach held for the period raises yellow once, since its start', () => {
    const events = feed(new ThresholdRules(), [50, ...repeat(75, 40)]);
    expect(events).toEqual([{ level: 'yellow', service: 'api', instance: 'i-1', metric: 'cpu', value: 75, threshold: 70, since: T0 + 10_000, ts: T0 + 310_000 }]);
  });

  it('threshold-rules: red held from the start goes straight to red', () => {
    const events = feed(new ThresholdRules(), repeat(95, 40));
    expect(events.map((e) => [e.level, e.threshold])).toEqual([['red', 90]]);
  });

  it('threshold-rules: yellow then red as the breach deepens', () => {
    const events = feed(new ThresholdRules(), [...repeat(75, 31), ...repeat(92, 31)]);
    expect(events.map((e) => e.level)).toEqual(['yellow', 'red']);
  });

  it('threshold-rules: hysteresis: back under the threshold but inside the margin does not clear', () => {
    // 67 < 70 but above 70 - 5 % = 66.5.
    const events = feed(new ThresholdRules(), [...repeat(75, 31), ...repeat(67, 100)]);
    expect(events.map((e) => e.level)).toEqual(['yellow']);
  });

  it('threshold-rules: clears once past the margin for the hold period', () => {
    const events = feed(new ThresholdRules(), [...repeat(75, 31), ...repeat(60, 40)]);
    expect(events.map((e) => [e.level, e.threshold])).toEqual([['yellow', 70], ['clear', 66.5]]);
    expect(events[1].since).toBe(T0 + 31 * 10_000);
  });

  it('threshold-rules: red recovers to yellow when the value stays above yellow', () => {
    const events = feed(new ThresholdRules(), [...repeat(95, 31), ...repeat(75, 40)]);
    expect(events.map((e) => e.level)).toEqual(['red', 'yellow']);
  });

  it('threshold-rules: a value flapping around the threshold gives no flapping alerts', () => {
    const flapping = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 71 : 69));
    expect(feed(new ThresholdRules(), flapping)).toEqual([]);
    const held = feed(new ThresholdRules(), [...repeat(75, 31), ...Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? 60 : 69))]);
    expect(held.map((e) => e.level)).toEqual(['yellow']);
  });

  it('threshold-rules: direction below (success rate)', () => {
    const k = { ...key, metric: 'success_rate' };
    const events = feed(new ThresholdRules(), [...repeat(99.5, 5), ...repeat(97, 31), ...repeat(99.9, 31)], 10, k);
    expect(events.map((e) => [e.level, e.threshold])).toEqual([['yellow', 98], ['clear', 98 + 0.005 * 98]]);
  });

  it('threshold-rules: series are independent and unknown metrics are ignored', () => {
    const rules = new ThresholdRules();
    const other = { ...key, instance: 'i-2' };
    expect(feed(rules, repeat(95, 31), 10, key)).toHaveLength(1);
    expect(feed(rules, repeat(50, 31), 10, other)).toEqual([]);
    expect(feed(rules, repeat(1e9, 31), 10, { ...key, metric: 'unknown' })).toEqual([]);
    expect(rules.state().series).toMatchObject({ 'api/i-1/cpu': { level: 'red' }, 'api/i-2/cpu': { level: 'clear' } });
  });

  it('threshold-rules: setRule changes thresholds at run time', () => {
    const rules = new ThresholdRules();
    rules.setRule('cpu', { yellow: 50, red: 60, holdS: 0 });
    expect(feed(rules, [55]).map((e) => [e.level, e.threshold])).toEqual([['yellow', 50]]);
    expect(rules.getRule('cpu')).toMatchObject({ yellow: 50, red: 60, holdS: 0, direction: 'above', clearMargin: 0.05 });
  });

  it('threshold-rules: an inconsistent rule is an error naming the metric', () => {
    expect(() => new ThresholdRules().setRule('cpu', { yellow: 90, red: 70, holdS: 0, direction: 'above' })).toThrow(/"cpu"/);
    expect(() => new ThresholdRules().setRule('cpu', { yellow: 70, red: 90, holdS: -1 })).toThrow(/"cpu"/);
  });
});
