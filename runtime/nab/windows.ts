/**
 * NAB anomaly windows: loading `combined_windows.json` and turning each
 * `[start, end]` timestamp pair into inclusive row indices of a data file.
 */
import { readFile } from 'node:fs/promises';
import { stripFraction } from './csv.js';

/** Labels as stored in `combined_windows.json`: file key -> list of [start, end]. */
export type NabLabels = Record<string, [string, string][]>;

/** One window as inclusive row indices: rows `start..end` (width = end - start + 1). */
export interface RowWindow {
  start: number;
  end: number;
}

/**
 * Loads and validates a `combined_windows.json` file. Throws an Error naming the
 * path when it cannot be read, is not JSON or does not have the expected shape.
 */
export async function loadLabels(path: string): Promise<NabLabels> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read labels file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`labels file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`labels file ${path}: expected an object { "<category>/<file>.csv": [[start, end], ...] }`);
  }
  for (const [key, windows] of Object.entries(parsed)) {
    const ok =
      Array.isArray(windows) &&
      windows.every((w) => Array.isArray(w) && w.length === 2 && w.every((b) => typeof b === 'string'));
    if (!ok) throw new Error(`labels file ${path}: entry "${key}" must be a list of [start, end] timestamp pairs`);
  }
  return parsed as NabLabels;
}

/**
 * Maps each labelled window of a file to row indices. Each boundary (fraction
 * stripped) must equal a row's timestamp; the first row carrying it is used. Throws
 * an Error naming `fileKey` when a boundary matches no row.
 */
export function windowRows(timestamps: string[], windows: [string, string][], fileKey: string): RowWindow[] {
  const firstRow = new Map<string, number>();
  timestamps.forEach((ts, i) => {
    if (!firstRow.has(ts)) firstRow.set(ts, i);
  });
  return windows.map(([a, b]) => {
    const start = firstRow.get(stripFraction(a));
    const end = firstRow.get(stripFraction(b));
    if (start === undefined || end === undefined || end < start) {
      throw new Error(`${fileKey}: window [${a}, ${b}] does not match the file's timestamps`);
    }
    return { start, end };
  });
}
