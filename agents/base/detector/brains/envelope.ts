/**
 * The calibration every brain shares: a feature's score is how far it goes beyond the
 * envelope (sliding minimum..maximum) of the same feature over the past `horizon`
 * observations, as a fraction of the envelope's width. Scale-free (a series in 0..1
 * and one in 1e8 score alike) and self-calibrating per series: a stationary feature
 * breaks its own record rarely, so alerts stay few whatever the feature's distribution.
 */
import { SlidingExtremes } from './rolling.js';

/** Configuration of an {@link Envelope}. */
export interface EnvelopeOptions {
  /** Observations remembered (sliding window); default 8640 (30 days of 5-min samples). */
  horizon?: number;
  /** `both`: too high or too low is anomalous; `upper`: only too high (deviations, distances). */
  sides?: 'both' | 'upper';
  /** Score added per unit of excess (fraction of the width): score = 0.5 + gain * excess. */
  gain?: number;
  /** Values needed before scoring (a young envelope breaks records too easily); default 30. */
  minCount?: number;
}

/** The envelope's verdict on one value. */
export interface EnvelopeScore {
  /** 0 in the middle, 0.5 at the edge of the past envelope, 1 far beyond it. */
  score: number;
  /** Distance beyond the envelope as a fraction of its width (<= 0 inside). */
  excess: number;
  lo: number;
  hi: number;
}

/** Default score gain: 5 % of the width beyond the envelope scores 0.625. */
export const ENVELOPE_GAIN = 2.5;

/** Values an envelope needs before scoring, unless its options say otherwise. */
const MIN_COUNT = 30;

/**
 * Width of a past range lo..hi, the unit of every excess and gap. A flat past has no width: a floor
 * of 1e-9 of its magnitude makes the first departure from it fully anomalous.
 */
export function rangeWidth(lo: number, hi: number): number {
  return Math.max(hi - lo, 1e-9 * Math.max(1, Math.abs(hi), Math.abs(lo)));
}

/** How an envelope scores: its options resolved. */
interface EnvelopeRule { readonly sides: 'both' | 'upper'; readonly gain: number; readonly minCount: number }

/** The rules of envelopes with default gain and count, nearly all of them: shared (a detector holds five envelopes per series). */
const DEFAULT_RULES: Readonly<Record<'both' | 'upper', EnvelopeRule>> = {
  both: { sides: 'both', gain: ENVELOPE_GAIN, minCount: MIN_COUNT },
  upper: { sides: 'upper', gain: ENVELOPE_GAIN, minCount: MIN_COUNT },
};

function ruleOf(options: EnvelopeOptions): EnvelopeRule {
  const sides = options.sides ?? 'both';
  if (options.gain === undefined && options.minCount === undefined) return DEFAULT_RULES[sides];
  return { sides, gain: options.gain ?? ENVELOPE_GAIN, minCount: options.minCount ?? MIN_COUNT };
}

/**
 * Sliding-window novelty calibration of one feature. See the module comment. It is the feature's
 * sliding extremes with a scoring rule: one object, not two (a detector holds five per series).
 */
export class Envelope extends SlidingExtremes {
  private readonly rule: EnvelopeRule;

  constructor(options: EnvelopeOptions = {}) {
    super(options.horizon ?? 8640);
    this.rule = ruleOf(options);
  }

  /** Scores `v` against the past without learning it. */
  score(v: number): EnvelopeScore {
    const lo = this.min;
    const hi = this.max;
    const { sides, gain, minCount } = this.rule;
    if (this.count < minCount || !Number.isFinite(v)) return { score: 0, excess: 0, lo, hi };
    const width = rangeWidth(lo, hi);
    const excess = sides === 'upper' ? (v - hi) / width : Math.max(v - hi, lo - v) / width;
    if (excess > 0) return { score: Math.min(1, 0.5 + gain * excess), excess, lo, hi };
    const closeness = sides === 'upper' ? (v - lo) / width : Math.abs(v - (lo + hi) / 2) / (width / 2);
    return { score: Math.max(0, Math.min(0.5, 0.5 * closeness)), excess, lo, hi };
  }

  /** Learns `v` (call after {@link score}: the envelope only holds the past). */
  override push(v: number): void {
    if (Number.isFinite(v)) super.push(v);
  }

  /** Scores then learns `v`. */
  next(v: number): EnvelopeScore {
    const s = this.score(v);
    this.push(v);
    return s;
  }

  state(): { lo: number; hi: number; count: number } {
    return { lo: this.min, hi: this.max, count: this.count };
  }
}
