/**
 * Honest selection of the `auto` ensemble's weights and threshold: leave one NAB
 * category out. For each category, the candidate (weights, threshold) with the best
 * standard score on the OTHER categories is chosen and scored on the held-out one; the
 * held-out raw scores of all categories, normalised by all their windows, are the
 * cross-validated scores that predict files no one tuned on.
 */
import { probationaryPeriod, rowWeights, normalise, NAB_PROFILES, PROFILE_NAMES, type NabProfileName } from './score.js';
import { combineTraces, gate, type Traces, type Weights } from './traces.js';
import type { RowWindow } from './windows.js';

/** One file ready for fast scoring: its component traces and, per profile, each row's weight. */
export interface CvFile {
  key: string;
  category: string;
  traces: Traces;
  windows: number;
  rows: number;
  weight: Record<NabProfileName, Float64Array>;
  window: Int32Array;
}

/** Prepares a file for {@link rawScores}. */
export function cvFile(key: string, traces: Traces, windows: RowWindow[], rows: number): CvFile {
  const weight = {} as Record<NabProfileName, Float64Array>;
  let window: Int32Array = new Int32Array(0);
  for (const p of PROFILE_NAMES) {
    const w = rowWeights(rows, windows, NAB_PROFILES[p]);
    weight[p] = w.weight;
    window = w.window;
  }
  return { key, category: key.split('/')[0], traces, windows: windows.length, rows, weight, window };
}

/** Raw NAB score of one file per profile, given its flagged rows. */
export function detectionScore(file: CvFile, flagged: Uint8Array): Record<NabProfileName, number> {
  const out = {} as Record<NabProfileName, number>;
  for (const p of PROFILE_NAMES) {
    const best = new Float64Array(file.windows).fill(-NAB_PROFILES[p].fnWeight);
    let fp = 0;
    const weight = file.weight[p];
    for (let i = probationaryPeriod(file.rows); i < file.rows; i++) {
      if (!flagged[i]) continue;
      const k = file.window[i];
      if (k < 0) fp += weight[i];
      else if (weight[i] > best[k]) best[k] = weight[i];
    }
    out[p] = best.reduce((a, b) => a + b, fp);
  }
  return out;
}

/**
 * The candidates `vigil nab --cv` chooses from: range novelty and the seasonal profile
 * vote fully; gap novelty at 0, 0.3, 0.6 or 1; the z-score, change-point and likelihood
 * components each at 0, 0.3 or 0.6; thresholds 0.55..0.80 in steps of 0.005. Adjacent
 * candidates share their weights.
 */
export function selectionGrid(): Candidate[] {
  const steps = [0, 0.3, 0.6];
  const out: Candidate[] = [];
  for (const gap of [...steps, 1]) {
    for (const zscore of steps) {
      for (const change of steps) {
        for (const likelihood of steps) {
          const weights: Weights = { novelty: 1, gap, seasonal: 1, zscore, change, likelihood };
          for (let k = 0; k <= 50; k++) out.push({ weights, threshold: Math.round((0.55 + k * 0.005) * 1000) / 1000 });
        }
      }
    }
  }
  return out;
}

/** A candidate setting of the ensemble. */
export interface Candidate {
  weights: Weights;
  threshold: number;
}

/** raw[c][f][p]: raw score of candidate c on file f under profile p (PROFILE_NAMES order). */
export function rawScores(files: CvFile[], candidates: Candidate[]): Float64Array[][] {
  // Candidates with the same weights share the combined trace (keep them adjacent).
  let key = '';
  let perFile: Float64Array[] = [];
  return candidates.map((c) => {
    if (JSON.stringify(c.weights) !== key) {
      key = JSON.stringify(c.weights);
      perFile = files.map((f) => combineTraces(f.traces, c.weights));
    }
    return files.map((f, i) => {
      const s = detectionScore(f, gate(perFile[i], c.threshold, probationaryPeriod(f.rows)));
      return Float64Array.from(PROFILE_NAMES.map((p) => s[p]));
    });
  });
}

/** Normalised scores of candidate `c` over the files whose index passes `keep`. */
export function scoresOver(files: CvFile[], raw: Float64Array[][], c: number, keep: (f: CvFile) => boolean): Record<NabProfileName, number> {
  const out = {} as Record<NabProfileName, number>;
  const windows = files.filter(keep).reduce((a, f) => a + f.windows, 0);
  PROFILE_NAMES.forEach((p, k) => {
    let sum = 0;
    files.forEach((f, i) => { if (keep(f)) sum += raw[c][i][k]; });
    out[p] = normalise(sum, windows, NAB_PROFILES[p]);
  });
  return out;
}

/**
 * The candidate with the best standard score on the kept files, judged on the mean of
 * its threshold neighbourhood (candidates with the same weights and a threshold within
 * `halfWidth`), so that a point next to a cliff does not win.
 */
export function selectCandidate(files: CvFile[], candidates: Candidate[], raw: Float64Array[][], keep: (f: CvFile) => boolean, halfWidth = 0.0101): number {
  const standard = candidates.map((_, c) => scoresOver(files, raw, c, keep).standard);
  // Neighbours share the weights: compare each candidate with its own weight set only
  // (one pass per set instead of every pair of candidates).
  const bySet = new Map<string, number[]>();
  candidates.forEach((cand, c) => {
    const key = JSON.stringify(cand.weights);
    const members = bySet.get(key);
    if (members) members.push(c);
    else bySet.set(key, [c]);
  });
  const neighbourhood = new Float64Array(candidates.length);
  for (const members of bySet.values()) {
    for (const c of members) {
      let sum = 0;
      let n = 0;
      for (const o of members) {
        if (Math.abs(candidates[o].threshold - candidates[c].threshold) <= halfWidth) {
          sum += standard[o];
          n++;
        }
      }
      neighbourhood[c] = sum / n;
    }
  }
  let best = 0;
  let bestScore = -Infinity;
  candidates.forEach((_, c) => {
    if (neighbourhood[c] > bestScore + 1e-9) {
      bestScore = neighbourhood[c];
      best = c;
    }
  });
  return best;
}

/** One held-out category of {@link leaveOneCategoryOut}. */
export interface CvFold {
  category: string;
  files: number;
  windows: number;
  chosen: Candidate;
  /** Scores of the held-out category with the candidate chosen without it (0 windows: raw false-positive cost). */
  heldOut: Record<NabProfileName, number>;
}

/** Result of {@link leaveOneCategoryOut}: folds and the pooled held-out scores. */
export interface CvReport extends Record<NabProfileName, number> {
  folds: CvFold[];
  /** The candidate chosen on every file (what ships). */
  full: Candidate;
}

/** Leave-one-category-out cross-validation over `candidates`. */
export function leaveOneCategoryOut(files: CvFile[], candidates: Candidate[]): CvReport {
  const raw = rawScores(files, candidates);
  const categories = [...new Set(files.map((f) => f.category))].sort();
  const pooled = PROFILE_NAMES.map(() => 0);
  const folds = categories.map((category) => {
    const c = selectCandidate(files, candidates, raw, (f) => f.category !== category);
    const held = files.filter((f) => f.category === category);
    const windows = held.reduce((a, f) => a + f.windows, 0);
    const heldOut = {} as Record<NabProfileName, number>;
    PROFILE_NAMES.forEach((p, k) => {
      let sum = 0;
      files.forEach((f, i) => { if (f.category === category) sum += raw[c][i][k]; });
      pooled[k] += sum;
      heldOut[p] = windows > 0 ? normalise(sum, windows, NAB_PROFILES[p]) : sum;
    });
    return { category, files: held.length, windows, chosen: candidates[c], heldOut };
  });
  const windows = files.reduce((a, f) => a + f.windows, 0);
  const scores = Object.fromEntries(PROFILE_NAMES.map((p, k) => [p, normalise(pooled[k], windows, NAB_PROFILES[p])])) as Record<NabProfileName, number>;
  return { ...scores, folds, full: candidates[selectCandidate(files, candidates, raw, () => true)] };
}
