/** Synthetic series for the detector tests: seeded, 5-minute samples from 2024-01-01 UTC. */
import { mulberry32 } from '../../../agents/base/detector/brains/index.js';

export const STEP_MS = 300_000;
export const T0 = Date.UTC(2024, 0, 1);
/** Samples per day at 5 minutes. */
export const DAY = 288;

/** Seeded standard normal noise (Box-Muller). */
export function gaussian(seed: number): () => number {
  const rnd = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** `n` samples of `f(i)` at 5-minute steps. */
export function series(n: number, f: (i: number) => number): { values: number[]; times: number[] } {
  const values: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    values.push(f(i));
    times.push(T0 + i * STEP_MS);
  }
  return { values, times };
}

/** Noise around `mean` with standard deviation `sd`. */
export function noisy(n: number, mean: number, sd: number, seed = 7, extra: (i: number) => number = () => 0): { values: number[]; times: number[] } {
  const g = gaussian(seed);
  return series(n, (i) => mean + sd * g() + extra(i));
}

/** A daily pattern (plateau during working hours) with small noise; `broken(i)` replaces the value when it returns a number. */
export function daily(days: number, seed = 11, broken: (i: number) => number | undefined = () => undefined): { values: number[]; times: number[] } {
  const g = gaussian(seed);
  return series(days * DAY, (i) => {
    const b = broken(i);
    if (b !== undefined) return b;
    const hour = ((i % DAY) * 24) / DAY;
    const busy = hour >= 8 && hour < 18 ? 80 : 20;
    return busy + 2 * g();
  });
}

/** Indices whose verdict score is at or above `threshold`. */
export function alerts(scores: number[], threshold: number): number[] {
  return scores.flatMap((s, i) => (s >= threshold ? [i] : []));
}
