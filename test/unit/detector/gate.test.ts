import { describe, expect, it } from 'vitest';
import {
  createDetector, DEFAULT_REFRACTORY, NAB_THRESHOLD, sensitivityForThreshold, thresholdForSensitivity,
} from '../../../agents/base/detector/brains/index.js';
import { alerts, noisy } from './synthetic.js';

describe('alert gate', () => {
  it('gate: a burst of spikes gives one alert per refractory period', () => {
    const burst = noisy(2000, 50, 2, 7, (i) => (i >= 1500 && i < 1500 + 3 * DEFAULT_REFRACTORY ? 30 * 1.2 ** (i - 1500) : 0));
    const brain = createDetector('novelty', { warmup: 300 });
    const found = alerts(burst.values.map((v, i) => brain.observe(v, burst.times[i]).score), NAB_THRESHOLD).filter((i) => i >= 1500);
    expect(found.slice(0, 3)).toEqual([1500, 1500 + DEFAULT_REFRACTORY + 1, 1500 + 2 * (DEFAULT_REFRACTORY + 1)]);
  });

  it('gate: a suppressed verdict says so and stays below the threshold', () => {
    // A ramp to new highs: every value breaks the record, so only the gate holds it back.
    const burst = noisy(400, 50, 2, 7, (i) => (i >= 300 ? 40 + i : 0));
    const brain = createDetector('novelty', { warmup: 100 });
    const verdicts = burst.values.map((v, i) => brain.observe(v, burst.times[i]));
    expect(verdicts[300].score).toBeGreaterThanOrEqual(NAB_THRESHOLD);
    expect(verdicts[301].score).toBeLessThan(NAB_THRESHOLD);
    expect(verdicts[301].explain()).toMatch(/^suppressed/);
  });

  it('gate: setSensitivity changes the threshold live', () => {
    const brain = createDetector('auto');
    brain.setSensitivity(1);
    expect(brain.state()).toMatchObject({ sensitivity: 1, threshold: thresholdForSensitivity(1) });
    brain.setSensitivity(Number.NaN);
    expect(brain.state()).toMatchObject({ sensitivity: 0.5, threshold: NAB_THRESHOLD });
  });

  it('gate: higher sensitivity gives at least as many alerts', () => {
    const s = noisy(3000, 50, 2, 3);
    const count = (sensitivity: number): number => {
      const brain = createDetector('novelty', { warmup: 300, sensitivity });
      return alerts(s.values.map((v, i) => brain.observe(v, s.times[i]).score), thresholdForSensitivity(sensitivity)).length;
    };
    expect(count(0.9)).toBeGreaterThan(count(0.5));
    expect(count(0.5)).toBeGreaterThanOrEqual(count(0.1));
  });
});

describe('sensitivity', () => {
  it('sensitivity: 0.5 maps to the NAB-chosen threshold', () => {
    expect(thresholdForSensitivity(0.5)).toBe(NAB_THRESHOLD);
  });

  it('sensitivity: higher sensitivity means a lower threshold', () => {
    const ts = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1].map(thresholdForSensitivity);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeLessThan(ts[i - 1]);
    expect(ts[0]).toBe(1);
  });

  it('sensitivity: out-of-range values are clamped and the inverse round-trips', () => {
    expect(thresholdForSensitivity(-3)).toBe(thresholdForSensitivity(0));
    expect(thresholdForSensitivity(7)).toBe(thresholdForSensitivity(1));
    for (const s of [0, 0.2, 0.5, 0.8, 1]) expect(sensitivityForThreshold(thresholdForSensitivity(s))).toBeCloseTo(s, 12);
  });

  it('createDetector: an unknown name is an error that names it', () => {
    expect(() => createDetector('lstm' as never)).toThrow(/unknown detector "lstm"/);
  });
});

describe('bad input', () => {
  it('gate: a non-finite sample is ignored and does not poison the statistics', () => {
    const s = noisy(600, 50, 2, 7, (i) => (i === 500 ? 30 : 0));
    const clean = createDetector('auto', { warmup: 100 });
    const dirty = createDetector('auto', { warmup: 100 });
    const a = s.values.map((v, i) => clean.observe(v, s.times[i]).score);
    const b = s.values.map((v, i) => {
      if (i === 200) expect(dirty.observe(Number.NaN, s.times[i]).score).toBe(0);
      return dirty.observe(v, s.times[i]).score;
    });
    expect(b).toEqual(a);
  });
});
