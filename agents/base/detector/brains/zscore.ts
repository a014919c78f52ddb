/** Rolling z-score: deviation from the mean of the last `window` observations, in standard deviations. */
import { scoreDeviation, safeScale } from './deviation.js';
import { Envelope, type EnvelopeOptions } from './envelope.js';
import { RollingStats } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link ZScoreModel}. */
export interface ZScoreOptions {
  /** Observations in the rolling window; default 100. */
  window?: number;
  envelope?: EnvelopeOptions;
}

/** z = (x - mean) / std over the past `window` observations; |z| calibrated by an envelope. */
export class ZScoreModel implements ScoringModel {
  readonly name = 'zscore';
  private readonly stats: RollingStats;
  private readonly env: Envelope;

  constructor(options: ZScoreOptions = {}) {
    this.stats = new RollingStats(options.window ?? 100);
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  assess(value: number, _ts: number): Assessment {
    const feature = `z(${this.stats.size})`;
    if (this.stats.count < 10) {
      this.stats.push(value);
      return { score: 0, feature, expected: value, explain: () => 'too few observations for a z-score' };
    }
    const mean = this.stats.mean;
    const scale = safeScale(this.stats.std, mean);
    const z = (value - mean) / scale;
    this.stats.push(value);
    return scoreDeviation(this.env, z, feature, mean, value, 'rolling mean', scale);
  }

  state(): Record<string, unknown> {
    return { window: this.stats.size, mean: this.stats.mean, std: this.stats.std, envelope: this.env.state() };
  }
}
