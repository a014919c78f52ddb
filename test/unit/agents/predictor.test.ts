import { describe, expect, it } from 'vitest';
import { Predictor } from '../../../agents/intermediate/predictor/brain.js';
import { fitLine, holtStep, type HoltState } from '../../../agents/intermediate/predictor/models.js';
import type { AggWindow, Forecast, MetricWindow } from '../../../runtime/contracts/index.js';

const T0 = 1_700_000_100_000;

function stat(mean: number): MetricWindow {
  return { count: 6, mean, min: mean, max: mean, p50: mean, p90: mean, p99: mean, last: mean, rate: 0 };
}

function window(minute: number, metrics: Record<string, number>, service = 'api'): AggWindow {
  const start = T0 + minute * 60_000;
  return {
    service, windowS: 60, start, end: start + 60_000, instances: 2, confirmedAlerts: [],
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, stat(v)])),
  };
}

function feed(p: Predictor, values: Array<Record<string, number>>): Forecast[][] {
  return values.map((m, i) => p.window(window(i, m)));
}

describe('predictor', () => {
  it('predictor: a linear cpu ramp of 5 points a minute from 30 % reaches 90 % at the right time', () => {
    const p = new Predictor();
    const out = feed(p, [30, 35, 40, 45, 50, 55].map((cpu) => ({ cpu })));
    const last = out.at(-1)!.find((f) => f.metric === 'cpu')!;
    expect(last.method).toBe('linear');
    expect(last.current).toBe(55);
    expect(last.slopePerS).toBeCloseTo(5 / 60, 5);
    expect(last.timeToSaturationS).toBe(420); // (90 - 55) / (5 / 60)
    expect(last.predicted).toBeCloseTo(55 + (5 / 60) * 600, 1);
    expect(last.saturation).toBe(90);
    expect(last.confidence).toBeGreaterThan(0.7);
  });

  it('predictor: publishes nothing before minPoints windows', () => {
    const p = new Predictor({ minPoints: 3 });
    const out = feed(p, [{ cpu: 10 }, { cpu: 11 }, { cpu: 12 }]);
    expect(out.map((f) => f.length)).toEqual([0, 0, 1]);
  });

  it('predictor: a flat series has no time to saturation and is not republished every window', () => {
    const p = new Predictor({ republishS: 900 });
    const out = feed(p, Array.from({ length: 12 }, () => ({ memory: 50 })));
    const published = out.flat();
    expect(published).toHaveLength(1);
    expect(published[0].timeToSaturationS).toBeNull();
    expect(published[0].slopePerS).toBeCloseTo(0);
  });

  it('predictor: republishes every window while saturation is within the horizon', () => {
    const p = new Predictor();
    const out = feed(p, [70, 74, 78, 82, 86].map((cpu) => ({ cpu })));
    expect(out.slice(2).map((f) => f.length)).toEqual([1, 1, 1]);
    expect(out.at(-1)![0].timeToSaturationS).toBe(60);
  });

  it('predictor: a metric already past saturation has a time to saturation of zero', () => {
    const p = new Predictor();
    const out = feed(p, [96, 97, 98].map((memory) => ({ memory })));
    expect(out[2][0].timeToSaturationS).toBe(0);
  });

  it('predictor: forecasts rps against the capacity implied by cpu', () => {
    const p = new Predictor();
    const out = feed(p, [[100, 30], [120, 36], [140, 42]].map(([rps, cpu]) => ({ rps, cpu })));
    const rps = out[2].find((f) => f.metric === 'rps')!;
    expect(rps.saturation).toBeCloseTo(300); // 140 rps at 42 % cpu -> 300 rps at 90 %
    expect(rps.timeToSaturationS).toBe(480); // (300 - 140) / (20 / 60)
    expect(rps.predicted).toBeCloseTo(340, 0);
  });

  it('predictor: a noisy series is forecast with lower confidence than a clean ramp', () => {
    const noisy = new Predictor();
    const values = [40, 55, 38, 60, 41, 57, 39, 58, 42, 56];
    const out = feed(noisy, values.map((cpu) => ({ cpu }))).flat();
    expect(out.at(-1)!.method).toBe('holt');
    expect(out.at(-1)!.confidence).toBeLessThan(0.7);
  });

  it('predictor: fitLine and holtStep recover an exact line', () => {
    const pts: Array<[number, number]> = [[0, 1], [10, 3], [20, 5]];
    expect(fitLine(pts)).toEqual({ level: 5, slopePerS: 0.2, r2: 1 });
    let h: HoltState | null = null;
    for (const [t, v] of pts) h = holtStep(h, t, v, 0.5, 0.3);
    expect(h!.level).toBeCloseTo(5);
    expect(h!.trendPerS).toBeCloseTo(0.2);
  });

  it('predictor: reset forgets every series', () => {
    const p = new Predictor();
    feed(p, [{ cpu: 1 }, { cpu: 2 }]);
    p.reset();
    expect(p.window(window(10, { cpu: 3 }))).toEqual([]);
  });
});
