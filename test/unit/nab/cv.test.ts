import { describe, expect, it } from 'vitest';
import { AUTO_CHOSEN_AT, AUTO_WEIGHTS, calibrate, NAB_THRESHOLD } from '../../../agents/base/detector/brains/index.js';
import { cvFile, detectionScore, leaveOneCategoryOut, selectionGrid, type Candidate } from '../../../runtime/nab/cv.js';
import { scoreSeries } from '../../../runtime/nab/run.js';
import { NAB_PROFILES, probationaryPeriod, scoreFile } from '../../../runtime/nab/score.js';
import { componentTraces, gatedDetections, type Traces } from '../../../runtime/nab/traces.js';
import { daily, DAY, noisy } from '../detector/synthetic.js';

describe('component traces', () => {
  it('gatedDetections replays the auto brain row by row (weights, warm-up, refractory)', () => {
    const s = daily(12, 3, (i) => (i === 9 * DAY + 100 ? 400 : i >= 10 * DAY + 50 && i < 10 * DAY + 90 ? 20 : undefined));
    const warmup = probationaryPeriod(s.values.length);
    for (const t of [0.55, NAB_THRESHOLD, 0.7]) {
      const brain = scoreSeries('auto', s.values, s.times, t);
      const expected = brain.map((x, i) => (i >= warmup && x >= t ? 1 : 0));
      // The brain maps the threshold its weights were chosen at onto the default one: undo it.
      const replayed = gatedDetections(componentTraces(s.values, s.times), AUTO_WEIGHTS, calibrate(t, NAB_THRESHOLD, AUTO_CHOSEN_AT), warmup);
      expect(Array.from(replayed)).toEqual(Array.from(expected));
      expect(expected.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
  });

  it('detectionScore agrees with the NAB scorer on the same detections', () => {
    const s = noisy(3000, 50, 2, 9, (i) => (i === 2000 ? 40 : i === 2600 ? -30 : 0));
    const windows = [{ start: 1950, end: 2050 }];
    const traces = componentTraces(s.values, s.times, ['novelty']);
    const f = cvFile('cat/a.csv', traces, windows, s.values.length);
    const flagged = gatedDetections(traces, { novelty: 1 }, 0.6, probationaryPeriod(3000));
    const scores = Array.from(flagged);
    const got = detectionScore(f, flagged);
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
      expect(got[p]).toBeCloseTo(scoreFile({ scores, windows }, 1, NAB_PROFILES[p]), 9);
    }
  });
});

/** A file whose only component trace is `trace` (rows before 200 are probationary). */
function file(key: string, trace: number[], windows: { start: number; end: number }[]): ReturnType<typeof cvFile> {
  const t = Float64Array.from(trace);
  return cvFile(key, { novelty: t } as unknown as Traces, windows, trace.length);
}

/** 1,400 rows at 0.3 with a bump of `height` at `at` (and a window around it if `labelled`). */
function bump(key: string, at: number, height: number, labelled: boolean): ReturnType<typeof cvFile> {
  const trace = Array.from({ length: 1400 }, (_, i) => (i === at ? height : 0.3));
  return file(key, trace, labelled ? [{ start: at - 20, end: at + 20 }] : []);
}

describe('leave one category out', () => {
  // Categories a and b have true anomalies scoring 0.7 and false alarms scoring 0.63; category c
  // has its anomaly at 0.62: the threshold chosen on a and b (0.64) misses it.
  const files = [
    bump('a/1.csv', 700, 0.7, true), bump('a/2.csv', 900, 0.63, false),
    bump('b/1.csv', 800, 0.7, true), bump('b/2.csv', 600, 0.63, false),
    bump('c/1.csv', 1000, 0.62, true),
  ];
  const grid: Candidate[] = [0.61, 0.64].map((threshold) => ({ weights: { novelty: 1 }, threshold }));

  it('chooses each fold on the other categories and scores it on the held-out one', () => {
    const cv = leaveOneCategoryOut(files, grid);
    expect(cv.folds.map((f) => f.category)).toEqual(['a', 'b', 'c']);
    const c = cv.folds[2];
    expect(c.chosen.threshold).toBe(0.64);
    expect(c.heldOut.standard).toBe(0); // the anomaly of c is missed: the null score
    // Without a, catching c's anomaly outweighs b's false alarm: 0.61, which then pays a's false alarm.
    expect(cv.folds[0].chosen.threshold).toBe(0.61);
    expect(cv.folds[0].heldOut.standard).toBeGreaterThan(80);
    expect(cv.folds[0].heldOut.standard).toBeLessThan(100);
    expect(cv.full.threshold).toBe(0.61);
    // Pooled = held-out raw scores summed over every window.
    expect(cv.standard).toBeLessThan(100);
    expect(cv.standard).toBeGreaterThan(50);
  });

  it('selectionGrid: every weight set with thresholds 0.55..0.80, neighbours adjacent, what ships among them', () => {
    const grid = selectionGrid();
    expect(grid).toHaveLength(4 * 27 * 51);
    expect(grid[0]).toEqual({ weights: { novelty: 1, gap: 0, seasonal: 1, zscore: 0, change: 0, likelihood: 0 }, threshold: 0.55 });
    expect(grid[50].threshold).toBe(0.8);
    const { novelty, gap, seasonal, zscore, change, likelihood } = AUTO_WEIGHTS;
    const shipped = JSON.stringify({ novelty, gap, seasonal, zscore, change, likelihood });
    expect(grid.some((c) => c.threshold === AUTO_CHOSEN_AT && JSON.stringify(c.weights) === shipped)).toBe(true);
  });
});
