import { describe, expect, it } from 'vitest';
import {
  ChangeModel, createDetector, LikelihoodModel, normalTail, thresholdForSensitivity, type DetectorName,
} from '../../../agents/base/detector/brains/index.js';
import { alerts, gaussian, noisy, series } from './synthetic.js';

const T = thresholdForSensitivity(0.5);

function scores(name: DetectorName, s: { values: number[]; times: number[] }, warmup = 300): number[] {
  const brain = createDetector(name, { warmup });
  return s.values.map((v, i) => brain.observe(v, s.times[i]).score);
}

/** Noise around 50 (sd 1) with two early excursions (rows 100-159 at 60, 200-259 at 40) that set a wide range. */
const wide = (extra: (i: number) => number, sd: (i: number) => number = () => 1): { values: number[]; times: number[] } => {
  const g = gaussian(5);
  const excursion = (i: number): number => (i >= 100 && i < 160 ? 10 : i >= 200 && i < 260 ? -10 : 0);
  return series(2000, (i) => 50 + excursion(i) + sd(i) * g() + extra(i));
};

describe('change brain', () => {
  it('change: a level shift inside the past value range flags within the recent window', () => {
    const g = gaussian(5);
    // Two single spikes (70, 30) set the value range; the shift of 4 sd stays inside it.
    const shifted = series(2000, (i) => (i === 100 ? 70 : i === 120 ? 30 : 50 + g() + (i >= 1500 ? 4 : 0)));
    const found = alerts(scores('change', shifted), T);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toBeGreaterThanOrEqual(1500);
    expect(found[0]).toBeLessThan(1512);
    expect(Math.max(...shifted.values.slice(1500))).toBeLessThan(70);
  });

  it('change: stationary noise and a slow drift rarely flag (at most 2 alerts in 1,700 samples)', () => {
    expect(alerts(scores('change', noisy(2000, 50, 2, 7)), T).length).toBeLessThanOrEqual(2);
    expect(alerts(scores('change', noisy(2000, 50, 2, 7, (i) => i * 0.002)), T).length).toBeLessThanOrEqual(2);
  });

  it('change: explains the shift in standard errors against the reference window', () => {
    const model = new ChangeModel({ recent: 12, reference: 288 });
    const s = wide((i) => (i >= 1500 ? 4 : 0));
    let last = model.assess(s.values[0], s.times[0]);
    for (let i = 1; i < 1506; i++) last = model.assess(s.values[i], s.times[i]);
    expect(last.feature).toBe('shift(12|288)');
    expect(last.expected).toBeGreaterThan(49);
    expect(last.expected).toBeLessThan(51);
    expect(last.explain()).toMatch(/standard errors above the 288 before/);
  });
});

describe('likelihood brain', () => {
  it('normalTail: the standard normal upper tail', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 6);
    expect(normalTail(1.6449)).toBeCloseTo(0.05, 4);
    expect(normalTail(3.719)).toBeCloseTo(1e-4, 5);
    expect(normalTail(-1.6449)).toBeCloseTo(0.95, 4);
  });

  it('likelihood: a burst of unpredictability inside the range flags during the burst', () => {
    const burst = wide(() => 0, (i) => (i >= 1500 && i < 1560 ? 6 : 1));
    const found = alerts(scores('likelihood', burst), T);
    expect(found.some((i) => i >= 1500 && i < 1560)).toBe(true);
    expect(found.filter((i) => i < 1500)).toEqual([]);
  });

  it('likelihood: stationary noise rarely flags (at most 2 alerts in 1,700 samples)', () => {
    expect(alerts(scores('likelihood', noisy(2000, 50, 2, 7)), T).length).toBeLessThanOrEqual(2);
  });

  it('likelihood: reports the prediction and the tail probability', () => {
    const model = new LikelihoodModel();
    const s = wide(() => 0);
    let last = model.assess(s.values[0], s.times[0]);
    for (let i = 1; i < 600; i++) last = model.assess(s.values[i], s.times[i]);
    expect(last.expected).toBeGreaterThan(47);
    expect(last.expected).toBeLessThan(53);
    expect(last.explain()).toMatch(/tail probability/);
  });
});
