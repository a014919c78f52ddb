import { describe, expect, it } from 'vitest';
import { DetectorCore, explain } from '../../../agents/base/detector/brain.js';
import { DEFAULT_RULES } from '../../../agents/base/detector/default-rules.js';
import { createDetector, thresholdForSensitivity } from '../../../agents/base/detector/brains/index.js';
import { Alert, check, type CleanSample } from '../../../runtime/contracts/index.js';
import { noisy } from './synthetic.js';

const T = thresholdForSensitivity(0.5);
const spike = noisy(2000, 50, 2, 7, (i) => (i === 1500 ? 30 : 0));

describe('alert evidence', () => {
  it('auto: the verdict at a spike names the components that fired, with the value against the expected range', () => {
    const brain = createDetector('auto', { warmup: 300 });
    let at = brain.observe(spike.values[0], spike.times[0]);
    for (let i = 1; i <= 1500; i++) at = brain.observe(spike.values[i], spike.times[i]);
    expect(at.score).toBeGreaterThanOrEqual(T);
    const novelty = at.evidence().find((e) => e.detector === 'novelty');
    expect(novelty).toBeDefined();
    expect(novelty?.feature).toBe('value');
    expect(novelty?.observed).toBeCloseTo(spike.values[1500], 9);
    expect(novelty?.high).toBeLessThan(spike.values[1500]);
    expect(novelty?.low).toBeLessThan(novelty?.high ?? 0);
    for (const e of at.evidence()) expect(e.score).toBeGreaterThanOrEqual(T);
    expect(at.evidence().map((e) => e.score)).toEqual([...at.evidence().map((e) => e.score)].sort((a, b) => b - a));
    expect(explain(at)).toMatch(/^fired: novelty \[value\]: [\d.]+ vs expected [\d.]+\.\.[\d.]+ \(score [\d.]+\)/);
  });

  it('a quiet sample reports the strongest model only, below the threshold', () => {
    const brain = createDetector('auto', { warmup: 300 });
    let v = brain.observe(spike.values[0], spike.times[0]);
    for (let i = 1; i < 1000; i++) v = brain.observe(spike.values[i], spike.times[i]);
    expect(v.evidence()).toHaveLength(1);
    expect(v.evidence()[0].score).toBeLessThan(T);
  });

  it('single brains give their own evidence: the z-score range is the rolling mean +- the largest past |z| in the series unit', () => {
    const brain = createDetector('zscore', { warmup: 300 });
    let at = brain.observe(spike.values[0], spike.times[0]);
    for (let i = 1; i <= 1500; i++) at = brain.observe(spike.values[i], spike.times[i]);
    expect(at.evidence()).toHaveLength(1);
    const [e] = at.evidence();
    expect(e.detector).toBe('zscore');
    expect(e.observed).toBeCloseTo(spike.values[1500], 9);
    expect(e.low).toBeGreaterThan(35);
    expect(e.high).toBeLessThan(65);
    expect((e.low + e.high) / 2).toBeCloseTo(50, 0);
  });

  it('DetectorCore: a statistical alert carries valid evidence and an explanation that names the detectors', () => {
    const core = new DetectorCore({
      algorithm: 'auto', sensitivity: 0.5, serviceSensitivity: {}, statMetrics: ['latency_ms'], rules: structuredClone(DEFAULT_RULES), seed: 1, clearAfter: 6,
    });
    const alerts = [];
    for (let i = 0; i < 1600; i++) {
      const s: CleanSample = { service: 'api', instance: 'i1', metric: 'latency_ms', value: spike.values[i], ts: spike.times[i] };
      alerts.push(...core.observe([s]).filter((a) => a.rule !== 'threshold' && a.level !== 'clear'));
    }
    const alert = alerts.find((a) => a.ts === spike.times[1500]);
    expect(alert).toBeDefined();
    const checked = check(Alert, JSON.parse(JSON.stringify(alert)));
    expect(checked.ok).toBe(true);
    expect(alert?.evidence?.[0]).toMatchObject({ detector: 'novelty', feature: 'value' });
    expect(alert?.explanation).toMatch(/fired: novelty/);
  });

  it('Alert contract: evidence is optional (older alerts stay valid) and its entries are checked', () => {
    const base = { id: 'a', service: 'api', instance: 'i1', metric: 'latency_ms', level: 'yellow', rule: 'auto/novelty', value: 1, threshold: 0.62, since: 1, ts: 1 };
    expect(check(Alert, base).ok).toBe(true);
    expect(check(Alert, { ...base, evidence: [{ detector: 'novelty', feature: 'value', score: 0.7, observed: 9, low: 1, high: 5 }] }).ok).toBe(true);
    const bad = check(Alert, { ...base, evidence: [{ detector: 'novelty', feature: 'value', score: 7, observed: 9, low: 1 }] });
    expect(bad.ok).toBe(false);
  });
});
