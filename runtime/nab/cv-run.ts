/**
 * `runNabCv`: the leave-one-category-out selection behind `vigil nab --cv`. Computes the
 * component traces of every file once, then scores every candidate of
 * {@link selectionGrid} and cross-validates the choice (see cv.ts).
 */
import { AUTO_CHOSEN_AT, AUTO_WEIGHTS, type ComponentName } from '../../agents/base/detector/brains/index.js';
import { cvFile, leaveOneCategoryOut, rawScores, scoresOver, selectionGrid, type Candidate, type CvFile, type CvReport } from './cv.js';
import { nabFiles } from './run.js';
import type { NabProfileName } from './score.js';
import { componentTraces } from './traces.js';

/** Result of {@link runNabCv}. */
export interface NabCvReport {
  cv: CvReport;
  /** What ships: `AUTO_WEIGHTS` at the threshold they were chosen at (`AUTO_CHOSEN_AT`), scored on every file. */
  shipped: Candidate & { scores: Record<NabProfileName, number> };
  candidates: number;
  seconds: number;
}

/** Cross-validates the ensemble's weights and threshold over the categories under `data`. */
export async function runNabCv(data: string, labels: string, seed = 1): Promise<NabCvReport> {
  const started = performance.now();
  const grid = selectionGrid();
  const components = [...new Set(grid.flatMap((c) => Object.keys(c.weights)))] as ComponentName[];
  const files: CvFile[] = [];
  for await (const f of nabFiles(data, labels)) {
    const traces = componentTraces(f.series.values, f.series.times, components, seed);
    files.push(cvFile(f.key, traces, f.windows, f.series.values.length));
  }
  if (new Set(files.map((f) => f.category)).size < 2) throw new Error(`--cv needs at least two categories (folders) under ${data}`);
  const cv = leaveOneCategoryOut(files, grid);
  const shippedCandidate: Candidate = { weights: { ...AUTO_WEIGHTS }, threshold: AUTO_CHOSEN_AT };
  const scores = scoresOver(files, rawScores(files, [shippedCandidate]), 0, () => true);
  return { cv, shipped: { ...shippedCandidate, scores }, candidates: grid.length, seconds: (performance.now() - started) / 1000 };
}
