import { describe, expect, it } from 'vitest';
import { createDetector, GapModel, NoveltyModel, thresholdForSensitivity } from '../../../agents/base/detector/brains/index.js';
import { alerts, noisy, series } from './synthetic.js';

const T = thresholdForSensitivity(0.5);

function scores(model: { assess(v: number, ts: number): { score: number } }, s: { values: number[]; times: number[] }): number[] {
  return s.values.map((v, i) => model.assess(v, s.times[i]).score);
}

// Noise around 10 (sd 0.5) with a tall spike early (an old extreme) and a smaller one late.
const oldExtreme = noisy(3000, 10, 0.5, 3, (i) => (i === 500 ? 40 : i === 2500 ? 15 : 0));

describe('gap brain', () => {
  it('sees a spike below an older extreme, which range novelty cannot', () => {
    const gap = scores(new GapModel(), oldExtreme);
    const novelty = scores(new NoveltyModel(), oldExtreme);
    expect(gap[2500]).toBeGreaterThanOrEqual(T);
    expect(novelty[2500]).toBeLessThan(0.5);
    expect(alerts(gap.map((s, i) => (i < 600 ? 0 : s)), T)).toEqual([2500]);
  });

  it('scores 0.5 at a gap of `edge` of the past range and 1 at twice that', () => {
    // Past: 0..100 in steps of 1 (range 100); 150.5 is 50.5 from 100: capped at 1.
    const at = (edge: number, v: number): number => {
      const m = new GapModel({ edge, minCount: 30 });
      for (let i = 0; i <= 100; i++) m.assess(i, i);
      return m.assess(v, 101).score;
    };
    expect(at(0.02, 102)).toBeCloseTo(0.5, 9);
    expect(at(0.02, 104)).toBeCloseTo(1, 9);
    expect(at(0.02, 50.5)).toBeCloseTo(0.125, 9);
    expect(at(0.02, 150.5)).toBe(1);
  });

  it('is silent on a value it has seen, and explains a gap with the nearest past values around it', () => {
    const m = new GapModel();
    for (let i = 0; i < 300; i++) m.assess(i % 2 === 0 ? 0 : 100, i);
    expect(m.assess(100, 300).score).toBe(0);
    const a = m.assess(40, 301);
    expect(a.score).toBe(1);
    expect(a.expected).toBe(0);
    expect(a.explain()).toBe('value 40 is 40 % of the past range [0, 100] from the nearest past value 0 (no past value between 0 and 100)');
    expect([a.low, a.high]).toEqual([-2, 2]);
  });

  it('stays quiet on a repeated pattern, and while younger than 300 values', () => {
    const sawtooth = series(2000, (i) => i % 50);
    expect(alerts(scores(new GapModel({ minCount: 30 }), sawtooth).map((s, i) => (i < 60 ? 0 : s)), T)).toEqual([]);
    const young = new GapModel();
    const wild = series(300, (i) => (i % 2 ? 1000 * i : -i));
    expect(scores(young, wild).every((s) => s === 0)).toBe(true);
    expect(young.assess(1e9, 0).score).toBe(1);
  });

  it('refuses an edge that is not a positive fraction', () => {
    expect(() => new GapModel({ edge: 0 })).toThrow(/gap: edge must be a fraction of the range > 0/);
  });

  it('is a detector of its own and a component of auto', () => {
    expect(createDetector('gap').name).toBe('gap');
  });
});
