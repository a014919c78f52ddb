/**
 * `runNab`: streams every NAB data file under a folder through a detector brain, one
 * row at a time, writes NAB-style result files and scores them with NAB's rules.
 * Labels are read only here, for scoring, never by the detector.
 */
import { mkdir, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import {
  createDetector, DETECTOR_NAMES, sensitivityForThreshold, thresholdForSensitivity, type DetectorName,
} from '../../agents/base/detector/brains/index.js';
import { AdaptiveSampler, DEFAULT_SAMPLING } from '../../agents/base/filter/sampler.js';
import { readNabCsv, type NabSeries } from './csv.js';
import { NAB_PROFILES, PROFILE_NAMES, normalise, probationaryPeriod, scoreFile, type NabProfileName } from './score.js';
import { loadLabels, windowRows, type RowWindow } from './windows.js';

/** Options of {@link runNab}. */
export interface NabOptions {
  /** Folder holding the data CSVs (searched recursively; category = parent folder name). */
  data: string;
  /** `combined_windows.json`. */
  labels: string;
  /** Detector name (default `auto`). */
  detector?: string;
  /** Folder for `<category>/<detector>_<file>.csv` (default `nab-results`). */
  out?: string;
  /** Score threshold (default: the detector's default, `thresholdForSensitivity(0.5)`). */
  threshold?: number;
  /** Seed of randomised detectors (default 1). */
  seed?: number;
  /** Thin each file with the filter's adaptive sampling first (dropped rows score 0). */
  sampling?: boolean;
}

/** One scored file. */
export interface NabFileReport {
  file: string;
  rows: number;
  windows: number;
  /** Rows at or above the threshold after the probationary period. */
  detections: number;
  /** Raw (not normalised) score of the file per profile. */
  raw: Record<NabProfileName, number>;
}

/** Result of {@link runNab}: normalised scores over the windows of the files scored. */
export interface NabReport extends Record<NabProfileName, number> {
  detector: string;
  files: number;
  windows: number;
  rows: number;
  threshold: number;
  seconds: number;
  perFile: NabFileReport[];
  /** With sampling: the share of the rows the detector saw. */
  keptShare?: number;
}

/** Runs the detector over every file and scores it; throws an Error naming a bad path or file. */
export async function runNab(options: NabOptions): Promise<NabReport> {
  const started = performance.now();
  const detector = (options.detector ?? 'auto') as DetectorName;
  if (!DETECTOR_NAMES.includes(detector)) {
    throw new Error(`unknown detector "${options.detector}": expected one of ${DETECTOR_NAMES.join(', ')}`);
  }
  const threshold = options.threshold ?? thresholdForSensitivity(0.5);
  const out = options.out ?? 'nab-results';
  const perFile: NabFileReport[] = [];
  const raw = Object.fromEntries(PROFILE_NAMES.map((p) => [p, 0])) as Record<NabProfileName, number>;
  let kept = 0;
  for await (const { key, category, name, series, windows } of nabFiles(options.data, options.labels)) {
    const keep = options.sampling ? sampledRows(series.values, series.times) : undefined;
    kept += keep ? keep.filter(Boolean).length : series.values.length;
    const scores = scoreSeries(detector, series.values, series.times, threshold, options.seed ?? 1, keep);
    await writeResult(join(out, category, `${detector}_${name}`), series.timestamps, series.values, scores);
    perFile.push(fileReport(key, scores, windows, threshold));
    for (const p of PROFILE_NAMES) raw[p] += perFile[perFile.length - 1].raw[p];
  }
  const windows = perFile.reduce((a, f) => a + f.windows, 0);
  const rows = perFile.reduce((a, f) => a + f.rows, 0);
  const scores = Object.fromEntries(PROFILE_NAMES.map((p) => [p, normalise(raw[p], windows, NAB_PROFILES[p])])) as Record<NabProfileName, number>;
  return {
    detector, files: perFile.length, windows, rows, threshold, ...scores,
    seconds: (performance.now() - started) / 1000, perFile, ...(options.sampling ? { keptShare: kept / Math.max(1, rows) } : {}),
  };
}

/** One labelled data file of a NAB folder. */
export interface NabFile {
  /** `<category>/<file>.csv`, the key of the labels file. */
  key: string;
  category: string;
  name: string;
  series: NabSeries;
  windows: RowWindow[];
}

/** Every data file under `data` with its windows, in path order; throws naming a file missing from the labels. */
export async function* nabFiles(data: string, labelsPath: string): AsyncGenerator<NabFile> {
  const files = await findCsvFiles(data);
  if (files.length === 0) throw new Error(`no CSV file under ${data}`);
  const labels = await loadLabels(labelsPath);
  for (const path of files) {
    const category = basename(dirname(path));
    const name = basename(path);
    const key = `${category}/${name}`;
    const windowsOf = labels[key];
    if (!windowsOf) throw new Error(`${path}: no entry "${key}" in labels file ${labelsPath}`);
    const series = await readNabCsv(path);
    yield { key, category, name, series, windows: windowRows(series.timestamps, windowsOf, key) };
  }
}

/**
 * Streams one series through a fresh brain. The warm-up is NAB's probationary period
 * (as NAB passes it to every detector) and the gate follows `threshold`.
 */
export function scoreSeries(detector: DetectorName, values: number[], times: number[], threshold: number, seed = 1, keep?: readonly boolean[]): Float64Array {
  const brain = createDetector(detector, {
    seed, warmup: probationaryPeriod(keep ? keep.filter(Boolean).length : values.length), sensitivity: sensitivityForThreshold(threshold),
  });
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (!keep || keep[i]) scores[i] = brain.observe(values[i], times[i]).score;
  return scores;
}

/**
 * The rows the filter's adaptive sampling keeps (agents/base/filter/sampler.ts). Its stable-series
 * floor, one sample per 60 s at the simulator's 10-s samples, is kept at the same ratio: one per
 * six median steps of the file.
 */
export function sampledRows(values: readonly number[], times: readonly number[]): boolean[] {
  const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const step = steps.length > 0 ? steps[Math.floor(steps.length / 2)] : 1000;
  const sampler = new AdaptiveSampler({ ...DEFAULT_SAMPLING, enabled: true, maxGapS: (6 * step) / 1000 });
  return values.map((v, i) => sampler.keep('nab', 'file', 'value', v, times[i]));
}

function fileReport(file: string, scores: Float64Array, windows: RowWindow[], threshold: number): NabFileReport {
  let detections = 0;
  for (let i = probationaryPeriod(scores.length); i < scores.length; i++) if (scores[i] >= threshold) detections++;
  const raw = Object.fromEntries(PROFILE_NAMES.map((p) => [p, scoreFile({ scores, windows }, threshold, NAB_PROFILES[p])])) as Record<NabProfileName, number>;
  return { file, rows: scores.length, windows: windows.length, detections, raw };
}

async function writeResult(path: string, timestamps: string[], values: number[], scores: Float64Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < timestamps.length; i++) lines.push(`${timestamps[i]},${values[i]},${scores[i]}`);
  await writeFile(path, `${lines.join('\n')}\n`);
}

/**
 * Every `*.csv` under `dir`, recursively and following symbolic links (to folders and to
 * files), sorted by relative path. A folder reached twice through links (a cycle) is
 * walked once. Throws naming the path if `dir` is not a folder or a link dangles.
 */
export async function findCsvFiles(dir: string): Promise<string[]> {
  let info;
  try {
    info = await stat(dir);
  } catch (err) {
    throw new Error(`data folder ${dir} does not exist`, { cause: err });
  }
  if (!info.isDirectory()) throw new Error(`data folder ${dir} is not a directory`);
  const found: string[] = [];
  await walk(dir, new Set<string>(), found);
  const key = (p: string): string => relative(dir, p).split(sep).join('/');
  return found.sort((a, b) => key(a).localeCompare(key(b)));
}

async function walk(folder: string, visited: Set<string>, found: string[]): Promise<void> {
  const real = await realpath(folder);
  if (visited.has(real)) return;
  visited.add(real);
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch((err: unknown) => {
        throw new Error(`data folder: symbolic link ${path} points nowhere`, { cause: err });
      });
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir) await walk(path, visited, found);
    else if (isFile && entry.name.toLowerCase().endsWith('.csv')) found.push(path);
  }
}
