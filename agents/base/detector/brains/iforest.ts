/// <reference path="./ml-isolation-forest.d.ts" />
/**
 * Isolation forest (ml-isolation-forest) on a multivariate window: each observation
 * becomes [value, change since the previous one, deviation from the rolling mean];
 * a forest is trained on the last `window` feature rows and scores the new row.
 * The library is batch-only, appends trees when trained twice and draws from
 * Math.random: a NEW forest is built every `retrainEvery` observations, with a seeded
 * generator substituted for Math.random during training, so runs are reproducible.
 */
import { IsolationForest } from 'ml-isolation-forest';
import { fmt } from './deviation.js';
import { Envelope, type EnvelopeOptions } from './envelope.js';
import { mulberry32, withRandom } from './prng.js';
import { RollingStats } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link IsolationForestModel}. */
export interface IsolationForestOptions {
  /** Feature rows the forest is trained on (sliding window); default 256. */
  window?: number;
  /** Observations between two trainings; default 128. */
  retrainEvery?: number;
  /** Trees per forest; default 50. */
  trees?: number;
  /** Observations in the rolling mean of the third feature; default 20. */
  level?: number;
  /** Seed of the generator used while training; default 1. */
  seed?: number;
  envelope?: EnvelopeOptions;
}

/** Isolation-forest score of [value, delta, deviation from rolling mean], calibrated by an envelope. */
export class IsolationForestModel implements ScoringModel {
  readonly name = 'iforest';
  private readonly rows: number[][] = [];
  private readonly size: number;
  private readonly retrainEvery: number;
  private readonly trees: number;
  private readonly random: () => number;
  private readonly level: RollingStats;
  private readonly env: Envelope;
  private forest: IsolationForest | undefined;
  private prev = Number.NaN;
  private n = 0;
  private trainings = 0;

  constructor(options: IsolationForestOptions = {}) {
    this.size = options.window ?? 256;
    this.retrainEvery = options.retrainEvery ?? 128;
    this.trees = options.trees ?? 50;
    this.random = mulberry32(options.seed ?? 1);
    this.level = new RollingStats(options.level ?? 20);
    this.env = new Envelope({ sides: 'upper', ...options.envelope });
  }

  assess(value: number, _ts: number): Assessment {
    const mean = this.level.count > 0 ? this.level.mean : value;
    const row = [value, Number.isNaN(this.prev) ? 0 : value - this.prev, value - mean];
    this.prev = value;
    this.level.push(value);
    const raw = this.forest ? this.forest.predict([row])[0] : undefined;
    this.rows.push(row);
    if (this.rows.length > this.size) this.rows.shift();
    if (++this.n % this.retrainEvery === 0 && this.rows.length >= Math.min(64, this.size)) this.train();
    if (raw === undefined) return { score: 0, feature: 'isolation', expected: mean, explain: () => 'forest not trained yet' };
    const e = this.env.next(raw);
    const { excess, hi } = e;
    const explain = (): string => (excess > 0
      ? `[value ${fmt(value)}, change ${fmt(row[1])}, deviation ${fmt(row[2])}] isolates faster than any past point (score ${fmt(raw)} > ${fmt(hi)})`
      : `[value ${fmt(value)}, change ${fmt(row[1])}, deviation ${fmt(row[2])}] isolation score ${fmt(raw)} is usual (max ${fmt(hi)})`);
    return { score: e.score, feature: 'isolation', expected: mean, explain };
  }

  private train(): void {
    const forest = new IsolationForest({ nEstimators: this.trees });
    const rows = this.rows.slice();
    withRandom(this.random, () => forest.train(rows));
    this.forest = forest;
    this.trainings++;
  }

  state(): Record<string, unknown> {
    return { window: this.size, retrainEvery: this.retrainEvery, trees: this.trees, trainings: this.trainings, envelope: this.env.state() };
  }
}
