import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNabCsv } from '../../../runtime/nab/csv.js';
import {
  NAB_PROFILES, optimalThreshold, PROFILE_NAMES, rowWeights, scaledSigmoid, scoreCorpus, thresholdRecords, matchRecord,
  type NabProfileName, type ScoredFile,
} from '../../../runtime/nab/score.js';
import { loadLabels, windowRows } from '../../../runtime/nab/windows.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const shared = resolve(repoRoot, '../shared/nab');

/** NAB's published scores on the 41 shared files (shared/nab/README.md). */
const PUBLISHED: Record<string, Record<NabProfileName, number>> = {
  windowedGaussian: { standard: 41.39, reward_low_FP_rate: 26.48, reward_low_FN_rate: 47.91 },
  numenta: { standard: 75.52, reward_low_FP_rate: 68.29, reward_low_FN_rate: 78.99 },
};

async function loadResults(detector: string): Promise<ScoredFile[]> {
  const labels = await loadLabels(join(shared, 'labels/combined_windows.json'));
  const files: ScoredFile[] = [];
  for (const category of await readdir(join(shared, 'results', detector))) {
    for (const file of await readdir(join(shared, 'results', detector, category))) {
      const name = file.slice(detector.length + 1);
      const r = await readNabCsv(join(shared, 'results', detector, category, file), 'anomaly_score');
      files.push({ scores: r.values, windows: windowRows(r.timestamps, labels[`${category}/${name}`], name) });
    }
  }
  return files;
}

describe('NAB scorer', () => {
  it.each(Object.keys(PUBLISHED))('scorer: reproduces the published %s scores to two decimals', async (detector) => {
    const thresholds = JSON.parse(await readFile(join(shared, 'config/thresholds.json'), 'utf8')) as Record<string, Record<string, { threshold: number }>>;
    const files = await loadResults(detector);
    expect(files).toHaveLength(41);
    expect(files.reduce((a, f) => a + f.windows.length, 0)).toBe(64);
    for (const p of PROFILE_NAMES) {
      const score = scoreCorpus(files, thresholds[detector][p].threshold, NAB_PROFILES[p]);
      expect(score.toFixed(2), `${detector} ${p}`).toBe(PUBLISHED[detector][p].toFixed(2));
    }
  });

  it('scorer: the optimal-threshold sweep is at least as good as the published threshold', async () => {
    const files = await loadResults('numenta');
    const best = optimalThreshold(files, NAB_PROFILES.standard);
    expect(best.score).toBeGreaterThanOrEqual(75.518);
    expect(scoreCorpus(files, best.threshold, NAB_PROFILES.standard)).toBeCloseTo(best.score, 9);
  });

  it('scorer: the scaled sigmoid and the window weights follow SCORING.md', () => {
    expect(scaledSigmoid(3.5)).toBe(-1);
    expect(scaledSigmoid(0.4)).toBeCloseTo(Math.tanh(-1), 12);
    const { weight, window } = rowWeights(20, [{ start: 5, end: 9 }], NAB_PROFILES.standard);
    expect(weight[0]).toBe(-0.11);
    expect(weight[5]).toBeCloseTo(1, 12);
    expect(weight[9]).toBeCloseTo(scaledSigmoid(-1 / 5) / scaledSigmoid(-1), 12);
    expect(weight[10]).toBeCloseTo(0.11 * scaledSigmoid(1 / 4), 12);
    expect([...window.slice(4, 11)]).toEqual([-1, 0, 0, 0, 0, 0, -1]);
  });

  it('scorer: an FP costs every row, a window counts its earliest detection once', () => {
    // 100 rows: probation 15; one window 50..59.
    const scores = new Array(100).fill(0);
    scores[20] = scores[21] = 1; // two false positives before the window
    scores[55] = scores[50] = 1; // two detections inside the window
    const file: ScoredFile = { scores, windows: [{ start: 50, end: 59 }] };
    const records = thresholdRecords(file, NAB_PROFILES.standard);
    expect(matchRecord(records, 0.5).score).toBeCloseTo(1 - 2 * 0.11, 12);
    expect(matchRecord(records, 1.05).score).toBe(-1);
  });

  it('scorer: rows in the probationary period are ignored', () => {
    const scores = new Array(100).fill(0);
    scores[3] = 1;
    expect(matchRecord(thresholdRecords({ scores, windows: [] }, NAB_PROFILES.standard), 0.5).score).toBe(0);
  });
});
