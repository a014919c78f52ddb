import { describe, expect, it } from 'vitest';
import {
  createDetector, thresholdForSensitivity, type DetectorName,
} from '../../../agents/base/detector/brains/index.js';
import { alerts, daily, DAY, noisy, series } from './synthetic.js';

const T = thresholdForSensitivity(0.5);

function scores(name: DetectorName, s: { values: number[]; times: number[] }, warmup = 300): number[] {
  const brain = createDetector(name, { warmup });
  return s.values.map((v, i) => brain.observe(v, s.times[i]).score);
}

const spike = noisy(2000, 50, 2, 7, (i) => (i === 1500 ? 30 : 0));
const dip = noisy(2000, 50, 2, 7, (i) => (i === 1500 ? -30 : 0));
const step = noisy(2000, 50, 2, 7, (i) => (i >= 1500 ? 20 : 0));
const drift = noisy(2000, 50, 2, 7, (i) => i * 0.002);
const flat = series(2000, () => 5);
const flatThenStep = series(2000, (i) => (i < 1500 ? 5 : 6));

describe.each(['auto', 'novelty', 'gap', 'seasonal', 'change', 'likelihood', 'zscore', 'ewma', 'mad', 'iforest'] as DetectorName[])('%s brain', (name) => {
  it(`${name}: a flat line never flags`, () => {
    expect(alerts(scores(name, flat), T)).toEqual([]);
  });

  it(`${name}: stays silent (score 0) during the warm-up`, () => {
    expect(scores(name, spike, 1600).slice(0, 1600).every((s) => s === 0)).toBe(true);
  });

  it(`${name}: every score is in [0, 1] and the state is JSON`, () => {
    const brain = createDetector(name, { warmup: 100 });
    for (let i = 0; i < 600; i++) {
      const v = brain.observe(spike.values[i], spike.times[i]);
      expect(v.score).toBeGreaterThanOrEqual(0);
      expect(v.score).toBeLessThanOrEqual(1);
    }
    expect(() => JSON.stringify(brain.state())).not.toThrow();
  });
});

describe.each(['auto', 'novelty', 'gap', 'seasonal', 'zscore', 'ewma', 'mad'] as DetectorName[])('%s brain on shapes', (name) => {
  it(`${name}: a spike flags at the spike`, () => {
    expect(alerts(scores(name, spike), T)).toContain(1500);
  });

  it(`${name}: a dip flags at the dip`, () => {
    expect(alerts(scores(name, dip), T)).toContain(1500);
  });

  it(`${name}: a level shift flags at the step`, () => {
    expect(alerts(scores(name, step), T)).toContain(1500);
  });

  it(`${name}: the first departure from a flat line flags`, () => {
    expect(alerts(scores(name, flatThenStep), T)).toEqual([1500]);
  });
});

describe.each(['zscore', 'ewma', 'mad'] as DetectorName[])('%s deviation brain', (name) => {
  it(`${name}: flags nothing but the spike on stationary noise`, () => {
    expect(alerts(scores(name, spike), T)).toEqual([1500]);
  });

  it(`${name}: adapts to a slow drift without flagging`, () => {
    expect(alerts(scores(name, drift), T)).toEqual([]);
  });
});

describe('novelty brain', () => {
  it('novelty: breaks records rarely on pure noise (a few alerts in 1,700 samples)', () => {
    expect(alerts(scores('novelty', noisy(2000, 50, 2, 7)), T).length).toBeLessThanOrEqual(3);
  });

  it('novelty: flags a drift once it reaches values never seen before', () => {
    const found = alerts(scores('novelty', drift), T);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i >= 300)).toBe(true);
  });

  it('novelty: explains a spike in terms of the past range', () => {
    const brain = createDetector('novelty', { warmup: 300 });
    const v = spike.values.map((x, i) => brain.observe(x, spike.times[i]))[1500];
    expect(v).toMatchObject({ detector: 'novelty', feature: 'value', observed: spike.values[1500] });
    expect(v.expected).toBeLessThan(spike.values[1500]);
    expect(v.explain()).toMatch(/beyond/);
  });
});

describe('seasonal brain', () => {
  const warmup = 2 * DAY;
  // Day 10 loses the middle of its working-hours plateau: every value stays inside the
  // series' range, so only a model of the time of day can see it.
  const broken = daily(14, 11, (i) => (Math.floor(i / DAY) === 10 && i % DAY >= 130 && i % DAY < 200 ? 20 : undefined));
  const start = 10 * DAY + 130;

  it('seasonal: a clean daily pattern never flags once two days are learnt', () => {
    expect(alerts(scores('seasonal', daily(14), warmup), T)).toEqual([]);
  });

  it('seasonal: flags the missing plateau on day 10, and nothing else', () => {
    const found = alerts(scores('seasonal', broken, warmup), T);
    expect(found).toHaveLength(1);
    expect(found[0]).toBeGreaterThanOrEqual(start);
    expect(found[0]).toBeLessThan(start + 20);
  });

  it('seasonal: the range and z-score brains do not see it', () => {
    expect(alerts(scores('novelty', broken, warmup), T)).toEqual([]);
    expect(alerts(scores('zscore', broken, warmup), T)).toEqual([]);
  });

  it('seasonal: auto sees it through its seasonal component', () => {
    const brain = createDetector('auto', { warmup });
    const verdicts = broken.values.map((v, i) => brain.observe(v, broken.times[i]));
    const hit = verdicts.findIndex((v) => v.score >= T);
    expect(hit).toBeGreaterThanOrEqual(start);
    expect(verdicts[hit].detector).toBe('auto/seasonal');
    expect(Math.abs(verdicts[hit].expected - 80)).toBeLessThan(10);
  });
});
