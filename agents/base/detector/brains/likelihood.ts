/**
 * Anomaly likelihood on prediction errors (the idea of Numenta's HTM detector, Ahmad et
 * al. 2017): a raw surprise per observation (here the absolute error of a short
 * moving-average prediction, in the series' unit), its short-run mean (10 observations),
 * and the Gaussian tail probability of that mean against the long-run distribution of
 * such means. A burst of unpredictability that is rare for this series scores high
 * even if every value is inside the range. Reported on Numenta's log scale:
 * log(1 - likelihood) / log(1e-10), so 0.5 is a tail probability of 1e-5.
 */
import { fmt } from './deviation.js';
import { RollingStats } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link LikelihoodModel}. */
export interface LikelihoodOptions {
  /** Observations averaged into the prediction; default 5. */
  predict?: number;
  /** Observations averaged into the short-run surprise; default 10. */
  short?: number;
  /** Short-run means in the long-run distribution; default 8640. */
  horizon?: number;
  /** Short-run means needed before scoring; default 100. */
  minCount?: number;
}

/** Floor of the long-run spread as a fraction of its mean (a near-constant surprise is not a certainty). */
const MIN_RELATIVE_STD = 0.1;

/** Standard normal upper tail probability Q(z) (Abramowitz-Stegun 7.1.26 on erfc). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** See the module comment. */
export class LikelihoodModel implements ScoringModel {
  readonly name = 'likelihood';
  private readonly predictor: RollingStats;
  private readonly shortRun: RollingStats;
  private readonly longRun: RollingStats;
  private readonly minCount: number;

  constructor(options: LikelihoodOptions = {}) {
    const horizon = options.horizon ?? 8640;
    this.predictor = new RollingStats(Math.max(2, options.predict ?? 5));
    this.shortRun = new RollingStats(options.short ?? 10);
    this.longRun = new RollingStats(horizon);
    this.minCount = options.minCount ?? 100;
  }

  assess(value: number, _ts: number): Assessment {
    const expected = this.predictor.count > 0 ? this.predictor.mean : value;
    const raw = Math.abs(value - expected);
    this.predictor.push(value);
    this.shortRun.push(raw);
    const avg = this.shortRun.mean;
    const feature = `surprise(${this.shortRun.size})`;
    let score = 0;
    let tail = 1;
    if (this.longRun.count >= this.minCount) {
      tail = normalTail((avg - this.longRun.mean) / Math.max(MIN_RELATIVE_STD * this.longRun.mean, this.longRun.std, 1e-12));
      score = Math.min(1, Math.log(Math.max(1e-10, tail)) / Math.log(1e-10));
    }
    if (this.shortRun.count === this.shortRun.size) this.longRun.push(avg);
    const { size } = this.predictor;
    const { mean, std } = this.longRun;
    const explain = (): string => `mean surprise ${fmt(avg)} (error vs the last ${size}) against the usual ${fmt(mean)} +- ${fmt(std)}: tail probability ${fmt(tail)}`;
    // Expected range: the prediction +- the surprise that would score 0.5 (tail 1e-5, z 4.26).
    const reach = this.longRun.mean + 4.26 * this.longRun.std;
    return { score, feature, expected, explain, value, low: expected - reach, high: expected + reach };
  }

  state(): Record<string, unknown> {
    return { surprise: this.shortRun.mean, usual: this.longRun.mean, spread: this.longRun.std };
  }
}
