/**
 * Helpers shared by the models that score a standardised deviation (z-score, EWMA,
 * median/MAD): the |z| of each observation is calibrated by an upper {@link Envelope}.
 */
import { Envelope } from './envelope.js';
import type { Assessment } from './types.js';

/** Formats a number for explanations: 4 significant digits, no exponent below 1e6. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/**
 * A scale to divide deviations by that is never 0: a series flat so far gets a tiny
 * scale, so that its first departure scores as fully anomalous.
 */
export function safeScale(scale: number, centre: number): number {
  const floor = 1e-9 * Math.max(1, Math.abs(centre));
  return Number.isFinite(scale) && scale > floor ? scale : floor;
}

/** Scores a standardised deviation `z` (observed vs expected) with an upper envelope on |z|. */
export function scoreDeviation(
  env: Envelope, z: number, feature: string, expected: number, observed: number, what: string, scale?: number,
): Assessment {
  const abs = Math.abs(z);
  const e = env.next(abs);
  const { excess, hi } = e;
  const explain = (): string => {
    const side = z >= 0 ? 'above' : 'below';
    return excess > 0
      ? `${fmt(observed)} is ${fmt(abs)} scales ${side} the ${what} ${fmt(expected)}, beyond the largest deviation of the past (${fmt(hi)})`
      : `${fmt(observed)} is ${fmt(abs)} scales ${side} the ${what} ${fmt(expected)}, within past deviations (max ${fmt(hi)})`;
  };
  // The expected range in the series' unit: the largest past deviation on either side.
  const s = scale ?? (z !== 0 ? Math.abs((observed - expected) / z) : 0);
  const reach = Number.isFinite(e.hi) ? e.hi * s : 0;
  return { score: e.score, feature, expected, explain, value: observed, low: expected - reach, high: expected + reach };
}
