/**
 * `vigil nab`: runs a detector over the NAB benchmark and scores it with NAB's rules
 * (runtime/nab). Prints a readable summary, or with --json exactly one JSON object.
 */
import type { Command } from 'commander';
import { AUTO_CHOSEN_AT, DETECTOR_NAMES } from '../../../agents/base/detector/brains/index.js';
import { runNabCv, type NabCvReport } from '../../nab/cv-run.js';
import { runNab, type NabReport } from '../../nab/run.js';
import type { NabProfileName } from '../../nab/score.js';

interface NabCommandOptions {
  data: string;
  labels: string;
  detector: string;
  out: string;
  json?: boolean;
  cv?: boolean;
  sampling?: boolean;
}

/** Adds `nab --data <dir> --labels <file> [--detector auto] [--out nab-results] [--json]` to `program`. */
export function registerNabCommand(program: Command): void {
  program.command('nab')
    .description('score a detector on the Numenta Anomaly Benchmark (NAB v1.1 rules, one threshold for all profiles)')
    .requiredOption('--data <dir>', 'folder of NAB data CSVs, searched recursively (category = parent folder)')
    .requiredOption('--labels <file>', 'NAB labels/combined_windows.json')
    .option('--detector <name>', `detector: ${DETECTOR_NAMES.join(', ')}`, 'auto')
    .option('--out <dir>', 'folder for the per-file result CSVs', 'nab-results')
    .option('--json', 'print one JSON object instead of a summary')
    .option('--sampling', 'thin each file with the filter\'s adaptive sampling first (as `filter.sampling.enabled` does in the fleet) and print the share kept')
    .option('--cv', 'also choose the auto ensemble\'s weights and threshold leaving one category out, and print the held-out scores')
    .action(async (opts: NabCommandOptions) => {
      const report = await runNab({ data: opts.data, labels: opts.labels, detector: opts.detector, out: opts.out, sampling: opts.sampling });
      const cv = opts.cv ? await runNabCv(opts.data, opts.labels) : undefined;
      if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary(report), ...(cv ? { cv: cvSummary(cv) } : {}) })}\n`);
      else process.stdout.write(formatReport(report, opts.out) + (cv ? formatCv(cv) : ''));
    });
}

/** The JSON printed by `vigil nab --json`. */
export function summary(r: NabReport): Record<string, number | string> {
  return {
    files: r.files, windows: r.windows, threshold: r.threshold,
    standard: r.standard, reward_low_FP_rate: r.reward_low_FP_rate, reward_low_FN_rate: r.reward_low_FN_rate,
    detector: r.detector, rows: r.rows, seconds: round(r.seconds),
    ...(r.keptShare !== undefined ? { keptShare: round(r.keptShare) } : {}),
  };
}

/** A readable summary of a NAB run. */
export function formatReport(r: NabReport, out: string): string {
  return [
    `NAB: detector ${r.detector}, ${r.files} files, ${r.rows} rows, ${r.windows} windows`,
    `threshold ${r.threshold} (same for every profile${r.detector === 'auto' ? `; auto's weights were chosen at ${AUTO_CHOSEN_AT}, which it maps onto this threshold` : ''})`,
    ...(r.keptShare !== undefined ? [`adaptive sampling: the detector saw ${(100 * r.keptShare).toFixed(1)} % of the rows`] : []),
    `  standard            ${r.standard.toFixed(2)}`,
    `  reward_low_FP_rate  ${r.reward_low_FP_rate.toFixed(2)}`,
    `  reward_low_FN_rate  ${r.reward_low_FN_rate.toFixed(2)}`,
    `resolution: one window missed instead of caught at its labelled point moves standard by ${windowPoints(r.windows).toFixed(2)} points`,
    `scored in ${r.seconds.toFixed(1)} s; result files in ${out}`,
    '',
  ].join('\n');
}

/**
 * Standard points of one window over `windows` windows: caught at its labelled point (the
 * centre, worth tanh(1.25) / tanh(2.5) = 0.86 of a window) instead of missed (-1).
 * Two detectors closer than this differ by less than one window.
 */
export function windowPoints(windows: number): number {
  if (windows <= 0) return 0;
  const centre = Math.tanh(1.25) / Math.tanh(2.5);
  return (100 * (centre + 1)) / (2 * windows);
}

type Scores = Record<NabProfileName, number>;

/** The `cv` object of `vigil nab --cv --json`. */
export function cvSummary(r: NabCvReport): Record<string, unknown> {
  const profiles = (s: Scores): Record<string, number> => ({
    standard: round(s.standard), reward_low_FP_rate: round(s.reward_low_FP_rate), reward_low_FN_rate: round(s.reward_low_FN_rate),
  });
  return {
    heldOut: profiles(r.cv),
    folds: r.cv.folds.map((f) => ({ category: f.category, files: f.files, windows: f.windows, chosen: f.chosen, heldOut: profiles(f.heldOut) })),
    chosenOnAll: r.cv.full,
    shipped: { weights: r.shipped.weights, threshold: r.shipped.threshold, ...profiles(r.shipped.scores) },
    candidates: r.candidates, seconds: round(r.seconds),
  };
}

/** The leave-one-category-out table printed by `vigil nab --cv`. */
export function formatCv(r: NabCvReport): string {
  const row = (name: string, s: Scores, extra = ''): string =>
    `  ${name.padEnd(24)} ${s.standard.toFixed(2).padStart(7)} ${s.reward_low_FP_rate.toFixed(2).padStart(7)} ${s.reward_low_FN_rate.toFixed(2).padStart(7)}  ${extra}`;
  const weights = (w: Record<string, number | undefined>): string =>
    Object.entries(w).filter(([, v]) => (v ?? 0) > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    '',
    `leave-one-category-out (auto ensemble, ${r.candidates} candidates: weights x thresholds, chosen on the other categories by standard score):`,
    `  ${'held-out category'.padEnd(24)} ${'std'.padStart(7)} ${'lowFP'.padStart(7)} ${'lowFN'.padStart(7)}  chosen without it`,
    ...r.cv.folds.map((f) => row(f.category, f.heldOut, `t ${f.chosen.threshold}; ${weights(f.chosen.weights)}${f.windows === 0 ? ' (no windows: raw false-positive cost)' : ''}`)),
    row('cross-validated (pooled)', r.cv),
    row('shipped, on every file', r.shipped.scores, `t ${r.shipped.threshold}; ${weights(r.shipped.weights)}`),
    `  chosen on every file: t ${r.cv.full.threshold}; ${weights(r.cv.full.weights)}`,
    `cross-validated in ${r.seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
