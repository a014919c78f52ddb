/**
 * `vigil nab`: runs a detector over the NAB benchmark and scores it with NAB's rules
 * (runtime/nab). Prints a readable summary, or with --json exactly one JSON object.
 */
import type { Command } from 'commander';
import { DETECTOR_NAMES } from '../../../agents/base/detector/brains/index.js';
import { runNab, type NabReport } from '../../nab/run.js';

interface NabCommandOptions {
  data: string;
  labels: string;
  detector: string;
  out: string;
  json?: boolean;
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
    .action(async (opts: NabCommandOptions) => {
      const report = await runNab({ data: opts.data, labels: opts.labels, detector: opts.detector, out: opts.out });
      process.stdout.write(opts.json ? `${JSON.stringify(summary(report))}\n` : formatReport(report, opts.out));
    });
}

/** The JSON printed by `vigil nab --json`. */
export function summary(r: NabReport): Record<string, number | string> {
  return {
    files: r.files, windows: r.windows, threshold: r.threshold,
    standard: r.standard, reward_low_FP_rate: r.reward_low_FP_rate, reward_low_FN_rate: r.reward_low_FN_rate,
    detector: r.detector, rows: r.rows, seconds: round(r.seconds),
  };
}

/** A readable summary of a NAB run. */
export function formatReport(r: NabReport, out: string): string {
  return [
    `NAB: detector ${r.detector}, ${r.files} files, ${r.rows} rows, ${r.windows} windows`,
    `threshold ${r.threshold} (same for every profile)`,
    `  standard            ${r.standard.toFixed(2)}`,
    `  reward_low_FP_rate  ${r.reward_low_FP_rate.toFixed(2)}`,
    `  reward_low_FN_rate  ${r.reward_low_FN_rate.toFixed(2)}`,
    `scored in ${r.seconds.toFixed(1)} s; result files in ${out}`,
    '',
  ].join('\n');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
