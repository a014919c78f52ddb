/**
 * Reading NAB CSV files: data files (`timestamp,value`) and result files
 * (`timestamp,...,anomaly_score`). Tolerates CRLF line endings, a missing final
 * newline and repeated timestamps (every row is one observation, in file order).
 */
import { readFile } from 'node:fs/promises';

/** One NAB series in file order. `timestamps` are the raw `YYYY-MM-DD HH:MM:SS` strings. */
export interface NabSeries {
  timestamps: string[];
  /** Event time of each row, ms since epoch, read as UTC (NAB timestamps carry no zone). */
  times: number[];
  /** The selected numeric column, one per row. */
  values: number[];
}

/**
 * Parses NAB CSV text. `column` names the numeric column to read (`value` for data
 * files, `anomaly_score` for result files). Throws an Error naming `source` when the
 * header lacks the columns or a cell is not a number.
 */
export function parseNabCsv(text: string, column = 'value', source = '<csv>'): NabSeries {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const tsCol = header.indexOf('timestamp');
  const valCol = header.indexOf(column);
  if (tsCol < 0 || valCol < 0) {
    throw new Error(`${source}: header must contain "timestamp" and "${column}", got "${lines[0] ?? ''}"`);
  }
  const timestamps: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const cells = line.split(',');
    const ts = (cells[tsCol] ?? '').trim();
    const value = Number(cells[valCol]);
    if (!Number.isFinite(value)) throw new Error(`${source}: line ${i + 1}: "${column}" is not a number`);
    timestamps.push(ts);
    times.push(parseNabTime(ts));
    values.push(value);
  }
  return { timestamps, times, values };
}

/** Reads and parses a NAB CSV file (see {@link parseNabCsv}). */
export async function readNabCsv(path: string, column = 'value'): Promise<NabSeries> {
  return parseNabCsv(await readFile(path, 'utf8'), column, path);
}

/**
 * Converts a NAB timestamp (`YYYY-MM-DD HH:MM:SS`, optional `.ffffff`) to ms since
 * epoch, read as UTC. Returns NaN for a malformed timestamp.
 */
export function parseNabTime(ts: string): number {
  return Date.parse(`${ts.replace(' ', 'T').replace(/\.\d+$/, '')}Z`);
}

/** Strips the `.000000` fraction of a label boundary so it matches a data row's timestamp. */
export function stripFraction(ts: string): string {
  return ts.replace(/\.\d+$/, '');
}
