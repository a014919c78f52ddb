/**
 * NAB scoring, implemented exactly as /work/shared/nab/SCORING.md describes
 * (NAB v1.1 `sweeper.py`): per-row weights, per-file threshold records, corpus
 * score, normalisation and the optimal-threshold sweep.
 */
import type { RowWindow } from './windows.js';

/** Cost matrix of one NAB profile. */
export interface NabProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** The three NAB profiles (config/profiles.json). */
export const NAB_PROFILES = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0 },
} as const satisfies Record<string, NabProfile>;

/** Name of a NAB profile. */
export type NabProfileName = keyof typeof NAB_PROFILES;

/** Profile names in NAB's reporting order. */
export const PROFILE_NAMES = Object.keys(NAB_PROFILES) as NabProfileName[];

/** NAB's scaled sigmoid: -1 above 3, else 2 / (1 + e^(5y)) - 1. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/** Probationary period of a file of `rows` rows: min(floor(0.15 N), 750). */
export function probationaryPeriod(rows: number): number {
  return Math.floor(Math.min(0.15 * rows, 750));
}

/**
 * The weight each row would earn if detected (step 1 of SCORING.md) and the window
 * (index into `windows`, or -1) it belongs to. Windows must be sorted, non-overlapping.
 */
export function rowWeights(rows: number, windows: RowWindow[], profile: NabProfile): { weight: Float64Array; window: Int32Array } {
  const weight = new Float64Array(rows);
  const window = new Int32Array(rows).fill(-1);
  let next = 0;
  let cur = -1;
  let prevR = -1;
  let prevW = 0;
  for (let i = 0; i < rows; i++) {
    if (cur < 0 && next < windows.length && windows[next].start === i) cur = next++;
    if (cur >= 0) {
      const w = windows[cur];
      const width = w.end - w.start + 1;
      weight[i] = (profile.tpWeight * scaledSigmoid(-(w.end - i + 1) / width)) / MAX_TP;
      window[i] = cur;
      if (i === w.end) {
        prevR = i;
        prevW = width;
        cur = -1;
      }
    } else if (prevR < 0) {
      weight[i] = -profile.fpWeight;
    } else {
      weight[i] = profile.fpWeight * scaledSigmoid(Math.abs(i - prevR) / (prevW - 1));
    }
  }
  return { weight, window };
}

/** A record of the per-file sweep: the file's score when every row with a >= threshold is detected. */
export interface ThresholdRecord {
  threshold: number;
  score: number;
}

/** Per-file scoring input: anomaly scores and windows as row indices. */
export interface ScoredFile {
  scores: ArrayLike<number>;
  windows: RowWindow[];
}

interface SweepPoint {
  score: number;
  weight: number;
  window: number;
}

function sweepPoints(file: ScoredFile, profile: NabProfile): SweepPoint[] {
  const n = file.scores.length;
  const { weight, window } = rowWeights(n, file.windows, profile);
  const points: SweepPoint[] = [];
  for (let i = probationaryPeriod(n); i < n; i++) points.push({ score: file.scores[i], weight: weight[i], window: window[i] });
  // Stable sort keeps file order among equal scores, as NAB's pandas sort does.
  return points.sort((a, b) => b.score - a.score);
}

/**
 * The per-file records of NAB's `calcScoreByThreshold`: rows sorted by score,
 * descending; each time the score changes, record (current threshold, total).
 */
export function thresholdRecords(file: ScoredFile, profile: NabProfile): ThresholdRecord[] {
  const best = file.windows.map(() => -profile.fnWeight);
  let fp = 0;
  let threshold = 1.1;
  const total = (): number => best.reduce((a, b) => a + b, fp);
  const records: ThresholdRecord[] = [];
  for (const p of sweepPoints(file, profile)) {
    if (p.score !== threshold) {
      records.push({ threshold, score: total() });
      threshold = p.score;
    }
    if (p.window < 0) fp += p.weight;
    else best[p.window] = Math.max(best[p.window], p.weight);
  }
  records.push({ threshold, score: total() });
  return records;
}

/**
 * NAB's record matching: the record whose threshold equals `t`, else the last
 * record whose threshold is above `t` (the final record if `t` is below them all).
 */
export function matchRecord(records: ThresholdRecord[], t: number): ThresholdRecord {
  let prev: ThresholdRecord | undefined;
  for (const r of records) {
    if (r.threshold === t) return r;
    if (r.threshold < t) return prev ?? r;
    prev = r;
  }
  return records[records.length - 1];
}

/** Raw score S_f(t) of one file at threshold `t` under `profile`. */
export function scoreFile(file: ScoredFile, t: number, profile: NabProfile): number {
  return matchRecord(thresholdRecords(file, profile), t).score;
}

/** Normalises a raw corpus score: 100 (S - S_null) / (S_perfect - S_null). */
export function normalise(raw: number, windows: number, profile: NabProfile): number {
  const nullScore = -profile.fnWeight * windows;
  const perfect = profile.tpWeight * windows;
  return perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** Normalised NAB score of a set of files at one threshold. */
export function scoreCorpus(files: ScoredFile[], t: number, profile: NabProfile): number {
  const windows = files.reduce((a, f) => a + f.windows.length, 0);
  const raw = files.reduce((a, f) => a + scoreFile(f, t, profile), 0);
  return normalise(raw, windows, profile);
}

/**
 * Sweeps every distinct score value over the corpus and returns the threshold
 * that maximises the normalised score for `profile` (ties: the higher threshold).
 */
export function optimalThreshold(files: ScoredFile[], profile: NabProfile): { threshold: number; score: number } {
  const all: (SweepPoint & { file: number })[] = [];
  files.forEach((f, k) => {
    for (const p of sweepPoints(f, profile)) all.push({ ...p, file: k });
  });
  all.sort((a, b) => b.score - a.score);
  const offsets: number[] = [];
  let nWindows = 0;
  for (const f of files) {
    offsets.push(nWindows);
    nWindows += f.windows.length;
  }
  const best = new Float64Array(nWindows).fill(-profile.fnWeight);
  let total = -profile.fnWeight * nWindows;
  let bestT = 1.1;
  let bestS = total;
  for (let i = 0; i < all.length; i++) {
    const p = all[i];
    if (p.window < 0) total += p.weight;
    else {
      const k = offsets[p.file] + p.window;
      if (p.weight > best[k]) {
        total += p.weight - best[k];
        best[k] = p.weight;
      }
    }
    const last = i === all.length - 1 || all[i + 1].score !== p.score;
    if (last && total > bestS + 1e-12) {
      bestS = total;
      bestT = p.score;
    }
  }
  return { threshold: bestT, score: normalise(bestS, nWindows, profile) };
}
