/** EWMA band: deviation from an exponentially weighted mean, in exponentially weighted standard deviations. */
import { scoreDeviation, safeScale } from './deviation.js';
import { Envelope, type EnvelopeOptions } from './envelope.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link EwmaModel}. */
export interface EwmaOptions {
  /** Smoothing factor in (0, 1]; default 0.05 (about 40 observations of memory). */
  alpha?: number;
  envelope?: EnvelopeOptions;
}

/** z = (x - ewma) / ewstd; |z| calibrated by an envelope. */
export class EwmaModel implements ScoringModel {
  readonly name = 'ewma';
  private readonly alpha: number;
  private readonly env: Envelope;
  private mean = Number.NaN;
  private variance = 0;
  private n = 0;

  constructor(options: EwmaOptions = {}) {
    this.alpha = options.alpha ?? 0.05;
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  assess(value: number, _ts: number): Assessment {
    const feature = `ewma(${this.alpha})`;
    this.n++;
    if (this.n === 1) {
      this.mean = value;
      return { score: 0, feature, expected: value, explain: () => 'first observation' };
    }
    const expected = this.mean;
    const d = value - expected;
    const scale = safeScale(Math.sqrt(this.variance), expected);
    const z = d / scale;
    // Standard EW mean/variance recursion (West 1979).
    this.mean += this.alpha * d;
    this.variance = (1 - this.alpha) * (this.variance + this.alpha * d * d);
    if (this.n <= 10) return { score: 0, feature, expected, explain: () => 'too few observations for the EWMA band' };
    return scoreDeviation(this.env, z, feature, expected, value, 'EWMA', scale);
  }

  state(): Record<string, unknown> {
    return { alpha: this.alpha, mean: this.mean, std: Math.sqrt(this.variance), envelope: this.env.state() };
  }
}
