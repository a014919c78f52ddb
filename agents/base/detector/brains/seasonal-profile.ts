/**
 * One seasonal profile (daily or weekly) learnt online by time-of-period bucket of the
 * event timestamp. For each bucket it keeps the mean of each of the last `periods`
 * periods; the expected value is the nearest of those exemplars within a tolerance, so a
 * period that looks like any recent one scores low, and a missing peak, an extra peak or
 * a shifted level scores high. The distance, smoothed over a few observations, is
 * calibrated by an upper envelope.
 *
 * Storage is flat typed arrays (a ring of `periods` exemplar slots per bucket, 16 bytes a
 * slot): a daily profile of 288 buckets x 7 days takes 32 KiB, a weekly one of 336 x 4 21 KiB.
 */
import { Envelope, type EnvelopeOptions, type EnvelopeScore } from './envelope.js';

/** Configuration of a {@link SeasonalProfile}. */
export interface ProfileOptions {
  periodMs: number;
  /** Bucket width in ms. */
  bucketMs: number;
  /** Past periods kept per bucket. */
  periods: number;
  /** Exemplars up to this far (ms) on either side of the bucket are searched. */
  toleranceMs: number;
  /** Observations over which the distance is averaged. */
  smooth: number;
  envelope?: EnvelopeOptions;
}

/** What a profile says about one observation (undefined while it has no earlier period). */
export interface ProfileScore extends EnvelopeScore {
  expected: number;
  /** Mean distance to the profile over the last `smooth` observations (NaN while filling). */
  distance: number;
  /** Mean of the earlier periods' exemplars in this bucket: the profile as an average period. */
  average: number;
}

/** Nearest-exemplar seasonal profile; see the module comment. */
export class SeasonalProfile {
  private readonly buckets: number;
  private readonly periods: number;
  private readonly neighbours: number;
  /** Slot `bucket * periods + k`: the period number, sum and count of one exemplar. */
  private readonly periodOf: Int32Array;
  private readonly sum: Float64Array;
  private readonly count: Int32Array;
  /** Per bucket: exemplars held and the slot of the oldest. */
  private readonly held: Uint16Array;
  private readonly oldest: Uint16Array;
  private bucketsLearnt = 0;
  private readonly recent: Float64Array;
  private recentHead = 0;
  private recentCount = 0;
  private readonly env: Envelope;
  /** Observations scored against an earlier period so far. */
  scored = 0;

  constructor(readonly options: ProfileOptions) {
    this.buckets = Math.max(1, Math.round(options.periodMs / options.bucketMs));
    this.periods = Math.max(1, Math.min(1000, Math.floor(options.periods)));
    this.neighbours = Math.ceil(options.toleranceMs / options.bucketMs);
    const slots = this.buckets * this.periods;
    this.periodOf = new Int32Array(slots);
    this.sum = new Float64Array(slots);
    this.count = new Int32Array(slots);
    this.held = new Uint16Array(this.buckets);
    this.oldest = new Uint16Array(this.buckets);
    this.recent = new Float64Array(Math.max(1, Math.floor(options.smooth)));
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  /** Scores `value` at `ts` against earlier periods, then learns it. */
  next(value: number, ts: number): ProfileScore | undefined {
    const period = Math.floor(ts / this.options.periodMs);
    const bucket = Math.floor((ts - period * this.options.periodMs) / this.options.bucketMs) % this.buckets;
    const expected = this.nearest(value, period, bucket);
    const average = this.average(period, bucket);
    this.learn(value, period, bucket);
    if (expected === undefined) return undefined;
    this.scored++;
    this.remember(Math.abs(value - expected));
    if (this.recentCount < this.recent.length) return { score: 0, excess: 0, lo: Number.NaN, hi: Number.NaN, expected, distance: Number.NaN, average };
    const distance = this.recentMean();
    const e = this.env.next(distance);
    return { score: e.score, excess: e.excess, lo: e.lo, hi: e.hi, expected, distance, average };
  }

  /** Slot of the k-th exemplar (0 = oldest) of `bucket`. */
  private slot(bucket: number, k: number): number {
    return bucket * this.periods + ((this.oldest[bucket] + k) % this.periods);
  }

  private average(period: number, bucket: number): number {
    let total = 0;
    let n = 0;
    for (let k = 0; k < this.held[bucket]; k++) {
      const s = this.slot(bucket, k);
      if (this.periodOf[s] === period) continue;
      total += this.sum[s] / this.count[s];
      n++;
    }
    return n > 0 ? total / n : Number.NaN;
  }

  private nearest(value: number, period: number, bucket: number): number | undefined {
    let best: number | undefined;
    for (let d = -this.neighbours; d <= this.neighbours; d++) {
      const b = (((bucket + d) % this.buckets) + this.buckets) % this.buckets;
      for (let k = 0; k < this.held[b]; k++) {
        const s = this.slot(b, k);
        if (this.periodOf[s] === period) continue;
        const mean = this.sum[s] / this.count[s];
        if (best === undefined || Math.abs(value - mean) < Math.abs(value - best)) best = mean;
      }
    }
    return best;
  }

  private learn(value: number, period: number, bucket: number): void {
    const n = this.held[bucket];
    if (n > 0) {
      const newest = this.slot(bucket, n - 1);
      if (this.periodOf[newest] === period) {
        this.sum[newest] += value;
        this.count[newest]++;
        return;
      }
    } else {
      this.bucketsLearnt++;
    }
    let s: number;
    if (n < this.periods) {
      s = this.slot(bucket, n);
      this.held[bucket] = n + 1;
    } else {
      // Full: the oldest slot takes the new period and the next one becomes the oldest.
      s = this.slot(bucket, 0);
      this.oldest[bucket] = (this.oldest[bucket] + 1) % this.periods;
    }
    this.periodOf[s] = period;
    this.sum[s] = value;
    this.count[s] = 1;
  }

  private remember(distance: number): void {
    this.recent[this.recentHead] = distance;
    this.recentHead = (this.recentHead + 1) % this.recent.length;
    if (this.recentCount < this.recent.length) this.recentCount++;
  }

  /** Mean of the last `smooth` distances, summed oldest first. */
  private recentMean(): number {
    let total = 0;
    for (let k = 0; k < this.recent.length; k++) total += this.recent[(this.recentHead + k) % this.recent.length];
    return total / this.recent.length;
  }

  state(): Record<string, unknown> {
    return { periodMs: this.options.periodMs, bucketsLearnt: this.bucketsLearnt, scored: this.scored, envelope: this.env.state() };
  }
}
