import { readFileSync } from 'node:fs';
import type { LoadEvent } from '../scenario-schema.js';

/**
 * Parses a NAB-style CSV (`timestamp,value` header, one row per point) into its values.
 * Throws naming the source and the line of the first bad row.
 */
export function parseTraceCsv(text: string, source: string): number[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 3 || !/^timestamp\s*,\s*value$/i.test(lines[0].trim())) {
    throw new Error(`${source}: expected a 'timestamp,value' header and at least 2 rows`);
  }
  return lines.slice(1).map((line, i) => {
    const v = Number(line.slice(line.lastIndexOf(',') + 1));
    if (!Number.isFinite(v)) throw new Error(`${source}:${i + 2}: value is not a number`);
    return v;
  });
}

/** Reads a trace file; errors name the trace and the scenario that asked for it. */
export function readTraceCsv(path: string, scenarioPath: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${scenarioPath}: scenario.load.events: cannot read trace ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseTraceCsv(text, path);
}

/** A replay prepared for playing: the window of values and the scale to rps. */
export interface PreparedTrace {
  values: number[];
  pointS: number;
  atS: number;
  /** rps per trace unit. */
  scale: number;
}

/**
 * Cuts the event's window out of the trace and scales it so that the window's maximum is
 * `peakUtilisation` x `capacityRps` (the service's initial capacity, requests/s).
 */
export function prepareTrace(all: number[], e: LoadEvent, capacityRps: number): PreparedTrace {
  const values = all.slice(e.offset, e.count ? e.offset + e.count : undefined);
  if (values.length < 2) throw new Error(`replay ${e.file}: window from row ${e.offset} has fewer than 2 values`);
  const max = Math.max(...values);
  return { values, pointS: e.pointS, atS: e.atS, scale: max > 0 ? (e.peakUtilisation * capacityRps) / max : 0 };
}

/** Requests/s of the replay at tS (seconds since start), linearly interpolated; null outside the window. */
export function traceRpsAt(t: PreparedTrace, tS: number): number | null {
  const x = (tS - t.atS) / t.pointS;
  if (x < 0 || x > t.values.length - 1) return null;
  const i = Math.floor(x);
  const f = x - i;
  const a = t.values[i];
  const b = t.values[Math.min(i + 1, t.values.length - 1)];
  return Math.max(0, (a + (b - a) * f) * t.scale);
}
