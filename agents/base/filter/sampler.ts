/**
 * Adaptive sampling (seed 001 §2.2.2, "échantillonnage intelligent pour haute volumétrie"): the
 * filter thins series that are stable and keeps every sample near an anomaly or a change.
 *
 * Each series keeps an exponentially weighted mean and mean absolute deviation of every value it
 * saw (kept or not). A sample is kept when it is
 *   - in the series' warm-up (the first `warmup` samples: too little history to call it stable);
 *   - a surprise: farther than `surpriseK` deviations from the mean; the next `hold` samples are
 *     then kept too (the anomaly and what follows it travel whole);
 *   - a change: the mean moved more than `driftK` deviations since the last kept sample (a slow
 *     trend or level shift is followed, thinned);
 *   - the first of its aligned `maxGapS` window: a stable series still sends one sample per
 *     window, so that every aggregator window of that size holds every series (instances and
 *     means stay right) and a downstream hold timer keeps running.
 * Everything else is dropped: a dropped sample means "as the last kept one, within noise".
 */

/** Settings of the sampler (the filter's `sampling` config mirrors this). */
export interface SamplingSettings {
  enabled: boolean;
  /** Samples always kept at the start of a series. */
  warmup: number;
  /** A value this many mean absolute deviations from the mean is a surprise. */
  surpriseK: number;
  /** Samples kept after a surprise. */
  hold: number;
  /** The mean moving this many deviations since the last kept sample is a change. */
  driftK: number;
  /** A stable series still keeps its first sample of each aligned window of this many seconds. */
  maxGapS: number;
  /** Floor of the deviation, relative to the level (a constant series is not infinitely sensitive). */
  minRelDeviation: number;
}

export const DEFAULT_SAMPLING: SamplingSettings = {
  enabled: false, warmup: 30, surpriseK: 4, hold: 30, driftK: 1, maxGapS: 60, minRelDeviation: 0.002,
};

/** EWMA weight of a new value in the mean and the deviation (about 20 samples of memory). */
const ALPHA = 0.05;

/** Why a sample was kept, or 'dropped'. */
export type SampleFate = 'warmup' | 'surprise' | 'hold' | 'change' | 'window' | 'dropped';

/** What the sampler remembers of one series: six numbers. */
class SeriesSampling {
  seen = 0;
  mean = 0;
  dev = 0;
  keptMean = 0;
  holdLeft = 0;
  window = Number.NaN;

  fate(value: number, ts: number, s: SamplingSettings): SampleFate {
    const window = Math.floor(ts / (s.maxGapS * 1000));
    const tolerance = Math.max(this.dev, s.minRelDeviation * Math.abs(this.mean), Number.MIN_VALUE);
    let fate: SampleFate;
    if (this.seen < s.warmup) fate = 'warmup';
    else if (Math.abs(value - this.mean) > s.surpriseK * tolerance) { fate = 'surprise'; this.holdLeft = s.hold; }
    else if (this.holdLeft > 0) { fate = 'hold'; this.holdLeft--; }
    else if (Math.abs(this.mean - this.keptMean) > s.driftK * tolerance) fate = 'change';
    else if (window !== this.window) fate = 'window';
    else fate = 'dropped';
    this.learn(value);
    if (fate !== 'dropped') { this.keptMean = this.mean; this.window = window; }
    return fate;
  }

  private learn(value: number): void {
    if (this.seen === 0) this.mean = value;
    const deviation = Math.abs(value - this.mean);
    // Plain averages while the series is young, exponential ones afterwards.
    const a = Math.max(ALPHA, 1 / (this.seen + 1));
    this.mean += a * (value - this.mean);
    this.dev += a * (deviation - this.dev);
    this.seen++;
  }
}

/** Counts of kept and dropped samples, by reason. */
export type SamplingCounts = Record<SampleFate, number>;

/** The sampling decisions of every series the filter sees. */
export class AdaptiveSampler {
  readonly #series = new Map<string, SeriesSampling>();
  readonly counts: SamplingCounts = { warmup: 0, surprise: 0, hold: 0, change: 0, window: 0, dropped: 0 };

  constructor(private settings: SamplingSettings = DEFAULT_SAMPLING) {}

  get enabled(): boolean { return this.settings.enabled; }

  /** Whether the sample goes on; always true when sampling is off. */
  keep(service: string, instance: string, metric: string, value: number, ts: number): boolean {
    if (!this.settings.enabled) return true;
    const key = `${service}\u0000${instance}\u0000${metric}`;
    let series = this.#series.get(key);
    if (!series) { series = new SeriesSampling(); this.#series.set(key, series); }
    const fate = series.fate(value, ts, this.settings);
    this.counts[fate]++;
    return fate !== 'dropped';
  }

  /** New settings; series history is kept (turning sampling off and on resumes where it was). */
  reconfigure(settings: SamplingSettings): void { this.settings = settings; }

  /** Share of the samples seen that were kept (1 when none was seen). */
  keptShare(): number {
    const seen = Object.values(this.counts).reduce((a, b) => a + b, 0);
    return seen === 0 ? 1 : 1 - this.counts.dropped / seen;
  }

  state(): { enabled: boolean; series: number; keptShare: number; counts: SamplingCounts } {
    return { enabled: this.settings.enabled, series: this.#series.size, keptShare: this.keptShare(), counts: { ...this.counts } };
  }
}
