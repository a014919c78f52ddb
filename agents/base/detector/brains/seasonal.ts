/**
 * Seasonal baseline: a daily profile (seasonal-profile.ts) and, with `period: 'auto'`, a
 * weekly one beside it that learns whether the series has a week. Both score every
 * observation; the weekly profile takes over once it has two weeks behind it and the
 * average week predicts the series clearly better than the average day (a series whose
 * weekdays and weekends differ: a holiday that looks like a Sunday is then anomalous on a
 * Thursday, where the nearest of the last seven days would match the Sunday).
 * A series shorter than two weeks is scored by the daily profile alone.
 * The default stays `daily`: on the 41 NAB files `auto` costs one false positive
 * (cross-validated standard 74.04 -> 74.00, runtime/nab/README.md).
 */
import { fmt } from './deviation.js';
import type { EnvelopeOptions } from './envelope.js';
import { SeasonalProfile, type ProfileScore } from './seasonal-profile.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link SeasonalModel}. */
export interface SeasonalOptions {
  /** Season length: `daily`, `weekly` or `auto` (daily, weekly once it explains the series better); default `daily`. */
  period?: 'auto' | 'daily' | 'weekly';
  /** Bucket width in ms; default 5 min. */
  bucketMs?: number;
  /** Past days kept per bucket of the daily profile; default 7 (weekly: 4 weeks). */
  days?: number;
  /** Time-of-day tolerance: exemplars up to this far (ms) on either side are searched; default 30 min. */
  toleranceMs?: number;
  /** Observations over which the distance is averaged; default 10. */
  smooth?: number;
  envelope?: EnvelopeOptions;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const WEEKLY_BUCKET_MS = 1_800_000;
/** The weekly profile takes over when the average week's error is below this fraction of the average day's. */
const WEEKLY_ADVANTAGE = 0.8;
/** Weight of the newest distance in the running comparison of the two profiles (about a day of 5-min samples). */
const COMPARE_ALPHA = 1 / 288;

/** Daily and (learnt) weekly nearest-exemplar profiles; see the module comment. */
export class SeasonalModel implements ScoringModel {
  readonly name = 'seasonal';
  private readonly daily?: SeasonalProfile;
  private readonly weekly?: SeasonalProfile;
  private dailyError = Number.NaN;
  private weeklyError = Number.NaN;
  private weeklyFrom = Number.NaN;

  constructor(options: SeasonalOptions = {}) {
    const period = options.period ?? 'daily';
    const common = {
      bucketMs: options.bucketMs ?? 300_000, toleranceMs: options.toleranceMs ?? 1_800_000, smooth: options.smooth ?? 10, envelope: options.envelope,
    };
    if (period !== 'weekly') this.daily = new SeasonalProfile({ ...common, periodMs: DAY_MS, periods: options.days ?? 7 });
    // A week at 5-minute resolution would be 2,016 buckets: 30-minute buckets keep it to 336.
    if (period !== 'daily') this.weekly = new SeasonalProfile({ ...common, bucketMs: Math.max(common.bucketMs, WEEKLY_BUCKET_MS), periodMs: WEEK_MS, periods: 4 });
  }

  assess(value: number, ts: number): Assessment {
    const d = this.daily?.next(value, ts);
    const w = this.weekly?.next(value, ts);
    if (Number.isNaN(this.weeklyFrom)) this.weeklyFrom = ts + 2 * WEEK_MS;
    this.dailyError = ewma(this.dailyError, d && Math.abs(value - d.average));
    this.weeklyError = ewma(this.weeklyError, w && Math.abs(value - w.average));
    const useWeekly = !this.daily || (w !== undefined && ts >= this.weeklyFrom && this.weeklyError < WEEKLY_ADVANTAGE * this.dailyError);
    return describe(useWeekly ? w : d, useWeekly ? 'weekly' : 'daily', value);
  }

  state(): Record<string, unknown> {
    return {
      daily: this.daily?.state() ?? null, weekly: this.weekly?.state() ?? null,
      averageDayError: this.dailyError, averageWeekError: this.weeklyError,
    };
  }
}

function ewma(prev: number, x: number | undefined): number {
  if (x === undefined || Number.isNaN(x)) return prev;
  return Number.isNaN(prev) ? x : prev + COMPARE_ALPHA * (x - prev);
}

function describe(p: ProfileScore | undefined, period: string, value: number): Assessment {
  const feature = 'residual';
  if (!p) return { score: 0, feature, expected: value, explain: () => `no earlier ${period === 'daily' ? 'day' : 'week'} at this time yet` };
  if (Number.isNaN(p.distance)) return { score: 0, feature, expected: p.expected, explain: () => 'profile still filling' };
  const reach = Number.isFinite(p.hi) ? p.hi : 0;
  const { expected, distance, hi, excess } = p;
  const explain = (): string => (excess > 0
    ? `${fmt(value)} vs ${period} profile ${fmt(expected)}: recent distance to the profile ${fmt(distance)} exceeds every past one (${fmt(hi)})`
    : `${fmt(value)} vs ${period} profile ${fmt(expected)}: recent distance to the profile ${fmt(distance)} is usual (max ${fmt(hi)})`);
  return { score: p.score, feature, expected: p.expected, explain, value, low: p.expected - reach, high: p.expected + reach };
}
