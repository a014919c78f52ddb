/**
 * Change-point evidence: the mean of the last `recent` observations against the mean
 * of the `reference` observations just before them, in standard errors of the
 * reference (a two-window t-statistic, as in CUSUM / Bayesian change-point tests with
 * a known change length). A level shift that stays inside the past range, where range
 * novelty is blind, still moves the recent mean many standard errors away. Calibrated
 * by an upper envelope on |t|, like every brain.
 */
import { fmt, safeScale } from './deviation.js';
import { Envelope, type EnvelopeOptions } from './envelope.js';
import { RollingStats } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link ChangeModel}. */
export interface ChangeOptions {
  /** Observations in the recent window; default 12. */
  recent?: number;
  /** Observations in the reference window just before it; default 288. */
  reference?: number;
  envelope?: EnvelopeOptions;
}

/** Two-window mean-shift statistic; see the module comment. */
export class ChangeModel implements ScoringModel {
  readonly name = 'change';
  private readonly recent: RollingStats;
  private readonly reference: RollingStats;
  private readonly pending: Float64Array;
  private head = 0;
  private held = 0;
  private readonly env: Envelope;

  constructor(options: ChangeOptions = {}) {
    const recent = options.recent ?? 12;
    this.recent = new RollingStats(recent);
    this.reference = new RollingStats(options.reference ?? 288);
    this.pending = new Float64Array(recent);
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  assess(value: number, _ts: number): Assessment {
    // The value leaving the recent window enters the reference window.
    if (this.held === this.pending.length) this.reference.push(this.pending[this.head]);
    else this.held++;
    this.pending[this.head] = value;
    this.head = (this.head + 1) % this.pending.length;
    this.recent.push(value);
    const feature = `shift(${this.recent.size}|${this.reference.size})`;
    const ref = this.reference.mean;
    if (this.held < this.pending.length || this.reference.count < this.reference.size / 4) {
      return { score: 0, feature, expected: value, explain: () => 'too few observations for a change-point test' };
    }
    const se = safeScale(this.reference.std, ref) / Math.sqrt(this.recent.size);
    const t = (this.recent.mean - ref) / se;
    const e = this.env.next(Math.abs(t));
    const { excess, hi } = e;
    const { size: recentSize, mean: recentMean } = this.recent;
    const referenceSize = this.reference.size;
    const explain = (): string => {
      const side = t >= 0 ? 'above' : 'below';
      const what = `mean of the last ${recentSize} ${fmt(recentMean)} is ${fmt(Math.abs(t))} standard errors ${side} the ${referenceSize} before (${fmt(ref)})`;
      return excess > 0 ? `${what}: a larger shift than any in the past (max ${fmt(hi)})` : `${what}: usual (max ${fmt(hi)})`;
    };
    const reach = Number.isFinite(e.hi) ? e.hi * se : 0;
    return { score: e.score, feature, expected: ref, explain, value: recentMean, low: ref - reach, high: ref + reach };
  }

  state(): Record<string, unknown> {
    return { recent: this.recent.mean, reference: this.reference.mean, referenceStd: this.reference.std, envelope: this.env.state() };
  }
}
