/** Robust median/MAD: deviation from the rolling median in scaled median absolute deviations. */
import { scoreDeviation, safeScale } from './deviation.js';
import { Envelope, type EnvelopeOptions } from './envelope.js';
import { SortedWindow } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link MadModel}. */
export interface MadOptions {
  /** Observations in the rolling window; default 100. */
  window?: number;
  envelope?: EnvelopeOptions;
}

/** 1.4826 makes the MAD a consistent estimator of the standard deviation for normal data. */
const MAD_TO_SIGMA = 1.4826;
/** sqrt(pi / 2): the same for the mean absolute deviation, used when the MAD is 0. */
const MEAN_AD_TO_SIGMA = 1.2533;

/** z = (x - median) / (1.4826 MAD) over the past `window` observations; |z| calibrated by an envelope. */
export class MadModel implements ScoringModel {
  readonly name = 'mad';
  private readonly win: SortedWindow;
  private readonly env: Envelope;

  constructor(options: MadOptions = {}) {
    this.win = new SortedWindow(options.window ?? 100);
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  assess(value: number, _ts: number): Assessment {
    const feature = `mad(${this.win.size})`;
    if (this.win.count < 10) {
      this.win.push(value);
      return { score: 0, feature, expected: value, explain: () => 'too few observations for the median/MAD' };
    }
    const median = this.win.median();
    // Mostly-constant series have MAD 0: fall back to the mean absolute deviation.
    const mad = this.win.mad(median);
    const scale = mad > 0 ? MAD_TO_SIGMA * mad : MEAN_AD_TO_SIGMA * this.win.meanAbsDev(median);
    const safe = safeScale(scale, median);
    const z = (value - median) / safe;
    this.win.push(value);
    return scoreDeviation(this.env, z, feature, median, value, 'rolling median', safe);
  }

  state(): Record<string, unknown> {
    return { window: this.win.size, median: this.win.median(), envelope: this.env.state() };
  }
}
