/**
 * Seasonal baseline: a daily (or weekly) profile learnt online by time-of-day bucket
 * of the event timestamp. For each bucket it keeps the mean of each of the last `days`
 * periods; the expected value is the nearest of those exemplars within a time-of-day
 * tolerance (30 min), so a day that looks like any recent day scores low, and a
 * missing peak, an extra peak or a shifted level scores high. The distance, smoothed
 * over a few observations, is calibrated by an upper envelope.
 */
import { fmt } from './deviation.js';
import { Envelope, type EnvelopeOptions } from './envelope.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link SeasonalModel}. */
export interface SeasonalOptions {
  /** Season length; default `daily`. */
  period?: 'daily' | 'weekly';
  /** Bucket width in ms; default 5 min. */
  bucketMs?: number;
  /** Past periods kept per bucket; default 7. */
  days?: number;
  /** Time-of-day tolerance: exemplars up to this far (ms) on either side are searched; default 30 min. */
  toleranceMs?: number;
  /** Observations over which the distance is averaged; default 10. */
  smooth?: number;
  envelope?: EnvelopeOptions;
}

const DAY_MS = 86_400_000;

interface Exemplar {
  period: number;
  sum: number;
  n: number;
}

/** Nearest-exemplar seasonal profile; see the module comment. */
export class SeasonalModel implements ScoringModel {
  readonly name = 'seasonal';
  private readonly periodMs: number;
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly days: number;
  private readonly neighbours: number;
  private readonly profile = new Map<number, Exemplar[]>();
  private readonly recent: number[] = [];
  private readonly smooth: number;
  private readonly env: Envelope;

  constructor(options: SeasonalOptions = {}) {
    this.periodMs = options.period === 'weekly' ? 7 * DAY_MS : DAY_MS;
    this.bucketMs = options.bucketMs ?? 300_000;
    this.buckets = Math.max(1, Math.round(this.periodMs / this.bucketMs));
    this.days = options.days ?? 7;
    this.neighbours = Math.ceil((options.toleranceMs ?? 1_800_000) / this.bucketMs);
    this.smooth = options.smooth ?? 10;
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  assess(value: number, ts: number): Assessment {
    const period = Math.floor(ts / this.periodMs);
    const bucket = Math.floor((ts - period * this.periodMs) / this.bucketMs) % this.buckets;
    const expected = this.nearest(value, period, bucket);
    this.learn(value, period, bucket);
    const feature = 'residual';
    if (expected === undefined) return { score: 0, feature, expected: value, explanation: 'no earlier period at this time of day yet' };
    this.recent.push(Math.abs(value - expected));
    if (this.recent.length > this.smooth) this.recent.shift();
    if (this.recent.length < this.smooth) return { score: 0, feature, expected, explanation: 'profile still filling' };
    const distance = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    const e = this.env.next(distance);
    const explanation = e.excess > 0
      ? `${fmt(value)} vs seasonal ${fmt(expected)}: recent distance to the profile ${fmt(distance)} exceeds every past one (${fmt(e.hi)})`
      : `${fmt(value)} vs seasonal ${fmt(expected)}: recent distance to the profile ${fmt(distance)} is usual (max ${fmt(e.hi)})`;
    const reach = Number.isFinite(e.hi) ? e.hi : 0;
    return { score: e.score, feature, expected, explanation, value, low: expected - reach, high: expected + reach };
  }

  private nearest(value: number, period: number, bucket: number): number | undefined {
    let best: number | undefined;
    for (let d = -this.neighbours; d <= this.neighbours; d++) {
      const list = this.profile.get((bucket + d + this.buckets) % this.buckets);
      if (!list) continue;
      for (const ex of list) {
        if (ex.period === period) continue;
        const mean = ex.sum / ex.n;
        if (best === undefined || Math.abs(value - mean) < Math.abs(value - best)) best = mean;
      }
    }
    return best;
  }

  private learn(value: number, period: number, bucket: number): void {
    let list = this.profile.get(bucket);
    if (!list) this.profile.set(bucket, (list = []));
    const last = list[list.length - 1];
    if (last && last.period === period) {
      last.sum += value;
      last.n++;
      return;
    }
    list.push({ period, sum: value, n: 1 });
    if (list.length > this.days) list.shift();
  }

  state(): Record<string, unknown> {
    return {
      periodMs: this.periodMs, bucketMs: this.bucketMs, days: this.days,
      bucketsLearnt: this.profile.size, envelope: this.env.state(),
    };
  }
}
