/**
 * The benches' synthetic load: `services` x `instances` x the five core metrics, one sample per
 * series per 10-second tick, values on a slow sine per series (stable, no anomaly).
 */
import { simTick, type Sample, type SimTick } from '../contracts/index.js';

export const BENCH_METRICS = ['cpu', 'memory', 'latency_ms', 'error_rate', 'rps'] as const;
const BASE: Record<(typeof BENCH_METRICS)[number], number> = { cpu: 40, memory: 55, latency_ms: 120, error_rate: 0.3, rps: 200 };
export const BENCH_START = Date.UTC(2026, 0, 5);
export const TICK_MS = 10_000;
/** Samples per simulator message at most: a tick of a big fleet goes in chunks (each under NATS's 1 MB). */
export const CHUNK_SAMPLES = 5000;

export interface Workload { services: number; instances: number }

export function seriesOf(w: Workload): number {
  return w.services * w.instances * BENCH_METRICS.length;
}

/** Event time of tick `i`. */
export function tickTs(i: number): number {
  return BENCH_START + i * TICK_MS;
}

/**
 * Tick `i`'s samples in chunks of at most CHUNK_SAMPLES, chunk k at event time `tsOf(k)`
 * (tickTs(i) + k by default: each chunk is an epoch of its own, so no sample arrives after the
 * watermark that covers it).
 */
function tickChunks(w: Workload, i: number, tsOf = (k: number): number => tickTs(i) + k): Sample[][] {
  const chunks: Sample[][] = [[]];
  for (let s = 0; s < w.services; s++) {
    for (let n = 0; n < w.instances; n++) {
      for (const metric of BENCH_METRICS) {
        if (chunks[chunks.length - 1].length === CHUNK_SAMPLES) chunks.push([]);
        const value = BASE[metric] * (1 + 0.1 * Math.sin(i / 30 + s + n / 7));
        chunks[chunks.length - 1].push({ service: `svc-${s}`, instance: `i-${n}`, metric, value, ts: tsOf(chunks.length - 1) });
      }
    }
  }
  return chunks;
}

/** Tick `i` as simulator messages of at most CHUNK_SAMPLES samples, chunk k at tickTs(i) + k ms. */
export function tickMessages(w: Workload, i: number): SimTick[] {
  return tickChunks(w, i).map((samples, k) => simTick('bench', tickTs(i) + k, samples));
}

const TS_MARK = 9_999_999_999_999;

/**
 * Tick `i` as JSON text, cheap to produce for big fleets (the driver shares the bench's two cores
 * with the agents): the values repeat every `period` ticks, so each phase's text is built once with
 * a marker time and kept cut at the markers; a tick is the pieces joined by its own times.
 */
export class TickTexts {
  readonly #phases = new Map<number, string[][]>();

  constructor(private readonly w: Workload, private readonly period = 8) {}

  messages(i: number): string[] {
    const phase = i % this.period;
    let pieces = this.#phases.get(phase);
    if (!pieces) {
      pieces = tickChunks(this.w, phase, (k) => TS_MARK + k).map((samples, k) => JSON.stringify(simTick('bench', TS_MARK + k, samples)).split(String(TS_MARK + k)));
      this.#phases.set(phase, pieces);
    }
    return pieces.map((parts, k) => parts.join(String(tickTs(i) + k)));
  }
}

/** The event time that closes tick `i` (its last chunk). */
export function tickEnd(w: Workload, i: number): number {
  return tickTs(i) + Math.ceil(seriesOf(w) / CHUNK_SAMPLES) - 1;
}
