import { describe, expect, it } from 'vitest';
import { createDetector, IsolationForestModel } from '../../../agents/base/detector/brains/index.js';
import { noisy } from './synthetic.js';

const s = noisy(1200, 50, 2, 5, (i) => (i === 1000 ? 30 : 0));

function rawScores(seed: number): number[] {
  const model = new IsolationForestModel({ seed });
  return s.values.map((v, i) => model.assess(v, s.times[i]).score);
}

describe('isolation forest brain', () => {
  it('iforest: the same seed gives the same scores', () => {
    expect(rawScores(42)).toEqual(rawScores(42));
  });

  it('iforest: another seed grows other trees', () => {
    expect(rawScores(42)).not.toEqual(rawScores(43));
  });

  it('iforest: leaves Math.random untouched', () => {
    const before = Math.random;
    rawScores(1);
    expect(Math.random).toBe(before);
  });

  it('iforest: a spike isolates faster than every earlier point (score above 0.5)', () => {
    expect(rawScores(1)[1000]).toBeGreaterThan(0.5);
  });

  it('iforest: retrains on a fresh forest every K observations, not every one', () => {
    const brain = createDetector('iforest', { seed: 3 });
    for (let i = 0; i < 1000; i++) brain.observe(s.values[i], s.times[i]);
    expect((brain.state() as { model: { trainings: number } }).model.trainings).toBe(Math.floor(1000 / 128));
  });
});
