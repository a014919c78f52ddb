/**
 * Range novelty: the value, or its short-run level (mean of the last `level`
 * observations), goes beyond everything the series has shown in the past `horizon`
 * observations. Catches spikes, dips and level shifts to places never visited before,
 * the commonest real anomalies (cf. NAB's "spatial anomaly" rule), on any scale.
 */
import { fmt } from './deviation.js';
import { Envelope, type EnvelopeOptions, type EnvelopeScore } from './envelope.js';
import { RollingStats } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link NoveltyModel}. */
export interface NoveltyOptions {
  /** Observations averaged into the level feature; default 20. */
  level?: number;
  envelope?: EnvelopeOptions;
}

/** Envelope novelty of the value and of its short-run level (two-sided). */
export class NoveltyModel implements ScoringModel {
  readonly name = 'novelty';
  private readonly valueEnv: Envelope;
  private readonly levelEnv: Envelope;
  private readonly level: RollingStats;

  constructor(options: NoveltyOptions = {}) {
    this.valueEnv = new Envelope({ sides: 'both', ...options.envelope });
    this.levelEnv = new Envelope({ sides: 'both', ...options.envelope });
    this.level = new RollingStats(options.level ?? 20);
  }

  assess(value: number, _ts: number): Assessment {
    const v = this.valueEnv.next(value);
    this.level.push(value);
    const full = this.level.count === this.level.size;
    const l = full ? this.levelEnv.next(this.level.mean) : undefined;
    if (l && l.score > v.score) return describe(l, `level(${this.level.size})`, this.level.mean, 'level');
    return describe(v, 'value', value, 'value');
  }

  state(): Record<string, unknown> {
    return { value: this.valueEnv.state(), level: { window: this.level.size, mean: this.level.mean, ...this.levelEnv.state() } };
  }
}

function describe(e: EnvelopeScore, feature: string, x: number, what: string): Assessment {
  const expected = Number.isFinite(e.lo) ? Math.min(Math.max(x, e.lo), e.hi) : x;
  const { lo, hi, excess } = e;
  const explain = (): string => (excess > 0
    ? `${what} ${fmt(x)} is ${fmt(100 * excess)} % of the past range [${fmt(lo)}, ${fmt(hi)}] beyond it`
    : `${what} ${fmt(x)} is within the past range [${fmt(lo)}, ${fmt(hi)}]`);
  return { score: e.score, feature, expected, explain, value: x, low: lo, high: hi };
}
