/**
 * One seasonal profile (daily or weekly) learnt online by time-of-period bucket of the
 * event timestamp. For each bucket it keeps the mean of each of the last `periods`
 * periods; the expected value is the nearest of those exemplars within a tolerance, so a
 * period that looks like any recent one scores low, and a missing peak, an extra peak or
 * a shifted level scores high. The distance, smoothed over a few observations, is
 * calibrated by an upper envelope.
 *
 * The exemplars (seasonal-exemplars.ts) cost little until a second period begins, then grow
 * to 16 bytes a slot: a daily profile of 288 buckets x 7 days takes 32 KiB, a weekly one of
 * 336 x 4 21 KiB.
 */
import { Envelope, type EnvelopeOptions, type EnvelopeScore } from './envelope.js';
import { SeasonalExemplars } from './seasonal-exemplars.js';

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
  private readonly neighbours: number;
  private readonly exemplars: SeasonalExemplars;
  private bucketsLearnt = 0;
  /** The last `smooth` distances, a ring once full (grows from empty: a young series has none). */
  private readonly recent: number[] = [];
  private readonly smooth: number;
  private recentHead = 0;
  private readonly env: Envelope;
  private readonly periodMs: number;
  private readonly bucketMs: number;
  /** Observations scored against an earlier period so far. */
  scored = 0;

  /** Keeps what it needs of `options`, not the object: a detector holds one profile per series. */
  constructor(options: ProfileOptions) {
    this.periodMs = options.periodMs;
    this.bucketMs = options.bucketMs;
    this.buckets = Math.max(1, Math.round(options.periodMs / options.bucketMs));
    this.neighbours = Math.ceil(options.toleranceMs / options.bucketMs);
    this.exemplars = new SeasonalExemplars(this.buckets, Math.max(1, Math.min(1000, Math.floor(options.periods))));
    this.smooth = Math.max(1, Math.floor(options.smooth));
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  /** Bytes of typed arrays the exemplars hold (0 during the first period). */
  get arrayBytes(): number {
    return this.exemplars.arrayBytes;
  }

  /** Scores `value` at `ts` against earlier periods, then learns it. */
  next(value: number, ts: number): ProfileScore | undefined {
    const period = Math.floor(ts / this.periodMs);
    const bucket = Math.floor((ts - period * this.periodMs) / this.bucketMs) % this.buckets;
    const expected = this.exemplars.nearest(value, period, bucket, this.neighbours);
    const average = this.exemplars.average(period, bucket);
    if (this.exemplars.learn(value, period, bucket)) this.bucketsLearnt++;
    if (expected === undefined) return undefined;
    this.scored++;
    this.remember(Math.abs(value - expected));
    if (this.recent.length < this.smooth) return { score: 0, excess: 0, lo: Number.NaN, hi: Number.NaN, expected, distance: Number.NaN, average };
    const distance = this.recentMean();
    const e = this.env.next(distance);
    return { score: e.score, excess: e.excess, lo: e.lo, hi: e.hi, expected, distance, average };
  }

  private remember(distance: number): void {
    if (this.recent.length < this.smooth) {
      this.recent.push(distance);
      return;
    }
    this.recent[this.recentHead] = distance;
    this.recentHead = (this.recentHead + 1) % this.smooth;
  }

  /** Mean of the last `smooth` distances, summed oldest first. */
  private recentMean(): number {
    let total = 0;
    for (let k = 0; k < this.smooth; k++) total += this.recent[(this.recentHead + k) % this.smooth];
    return total / this.smooth;
  }

  state(): Record<string, unknown> {
    return { periodMs: this.periodMs, bucketsLearnt: this.bucketsLearnt, scored: this.scored, envelope: this.env.state() };
  }
}
