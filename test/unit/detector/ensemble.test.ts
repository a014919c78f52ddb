import { describe, expect, it } from 'vitest';
import { calibrate, EnsembleModel, NAB_THRESHOLD, type Assessment, type ScoringModel } from '../../../agents/base/detector/brains/index.js';

/** A model that replays fixed scores. */
function fixed(name: string, scores: number[]): ScoringModel {
  let i = 0;
  return { name, assess: (): Assessment => ({ score: scores[i++], feature: 'value', expected: 0, explain: () => name }), state: () => ({}) };
}

describe('calibrate', () => {
  it('maps `from` onto `to`, keeps 0.5 and 1, and leaves scores up to 0.5 alone', () => {
    expect(calibrate(0.7, 0.7, 0.62)).toBeCloseTo(0.62, 12);
    expect(calibrate(1, 0.7, 0.62)).toBe(1);
    expect(calibrate(0.5, 0.7, 0.62)).toBe(0.5);
    expect(calibrate(0.3, 0.7, 0.62)).toBe(0.3);
    expect(calibrate(0.6, 0.7, 0.62)).toBeCloseTo(0.56, 12);
    expect(calibrate(0.85, 0.7, 0.62)).toBeCloseTo(0.81, 12);
  });

  it('is monotone and undone by swapping `from` and `to`', () => {
    let last = -1;
    for (let x = 0; x <= 1; x += 0.01) {
      const y = calibrate(x, 0.7, 0.62);
      expect(y).toBeGreaterThanOrEqual(last);
      expect(calibrate(y, 0.62, 0.7)).toBeCloseTo(x, 12);
      last = y;
    }
  });
});

describe('EnsembleModel', () => {
  it('alerts at the default threshold exactly where its weights alert at the threshold they were chosen at', () => {
    // Weighted by 0.6: 0.8 -> 0.68 (below 0.7: no alert), 0.9 -> 0.74 (above).
    const auto = new EnsembleModel([fixed('gap', [0.8, 0.9])], [0.6], 0.7);
    expect(auto.assess(0, 0).score).toBeLessThan(NAB_THRESHOLD);
    expect(auto.assess(0, 0).score).toBeGreaterThanOrEqual(NAB_THRESHOLD);
  });

  it('calibrates every part, so the evidence compares each with the same threshold', () => {
    const auto = new EnsembleModel([fixed('novelty', [0.72]), fixed('gap', [0.9])], [1, 0.6], 0.7);
    const a = auto.assess(0, 0);
    expect(a.component).toBe('gap');
    expect(a.parts?.map((p) => p.score)).toEqual([calibrate(0.72, 0.7, NAB_THRESHOLD), calibrate(0.74, 0.7, NAB_THRESHOLD)]);
  });

  it('refuses a chosen threshold outside (0.5, 1)', () => {
    expect(() => new EnsembleModel([fixed('gap', [])], [1], 0.5)).toThrow(/chosen at must be in \(0.5, 1\)/);
  });
});
