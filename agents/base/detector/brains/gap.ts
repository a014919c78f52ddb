/**
 * Gap novelty: the value lands where the series has not been. The feature is the distance from
 * the value to the nearest of the past `horizon` values, as a fraction of their range. Beyond the
 * range it is range novelty's excess; inside the range it is an empty stretch of it: a level the
 * series never held, or a spike to a height between its usual values and an older, higher extreme,
 * which range novelty cannot see because the older extreme still bounds the range.
 */
import { fmt } from './deviation.js';
import { rangeWidth } from './envelope.js';
import { SlidingValues } from './rolling.js';
import type { Assessment, ScoringModel } from './types.js';

/** Configuration of {@link GapModel}. */
export interface GapOptions {
  /** Observations remembered; default 8640, the envelopes' horizon. */
  horizon?: number;
  /**
   * Gap, as a fraction of the past range, that scores 0.5 (the edge of normal); twice it scores 1.
   * Default 0.02: a new value drawn like 1,000 past ones (Gaussian, exponential or log-normal) lands
   * farther than that from all of them 0.3-0.5 % of the time, mostly as a new record; 0.1 % with 4,000.
   */
  edge?: number;
  /**
   * Values needed before scoring; default 300. A young series has gaps everywhere: a value drawn
   * like 150 past ones (Gaussian, exponential or log-normal) lands 3.3 % of the range from all of
   * them (where `auto` alerts) 1.1-2.3 % of the time, 0.5-1.1 % with 300, 0.13-0.2 % with 1,000.
   */
  minCount?: number;
}

/** How a gap model scores: its options resolved. */
interface GapRule { readonly edge: number; readonly minCount: number }

/** The rule of gap models with default settings: shared (a detector holds one per statistical series). */
const DEFAULT_RULE: GapRule = { edge: 0.02, minCount: 300 };

/**
 * Scores the distance from each value to its nearest past value (see the module comment). It is its
 * past values with a scoring rule: one object, not two, like an envelope.
 */
export class GapModel extends SlidingValues implements ScoringModel {
  readonly name = 'gap';
  private readonly rule: GapRule;

  constructor(options: GapOptions = {}) {
    super(options.horizon ?? 8640);
    if (options.edge !== undefined && !(options.edge > 0)) throw new Error(`gap: edge must be a fraction of the range > 0, got ${options.edge}`);
    this.rule = options.edge === undefined && options.minCount === undefined
      ? DEFAULT_RULE
      : { edge: options.edge ?? DEFAULT_RULE.edge, minCount: options.minCount ?? DEFAULT_RULE.minCount };
  }

  assess(value: number, _ts: number): Assessment {
    const { edge, minCount } = this.rule;
    if (this.count < minCount) {
      this.push(value);
      return { score: 0, feature: 'gap', expected: value, explain: () => 'too few observations to know which values are usual' };
    }
    const lo = this.min;
    const hi = this.max;
    const width = rangeWidth(lo, hi);
    // Older blocks are searched only while no past value is within an eighth of the edge (a score
    // of 1/16 at most, far below any threshold): most values have a near neighbour among recent ones.
    const { below, above } = this.neighbours(value, (edge * width) / 8);
    this.push(value);
    const gap = Math.min(value - below, above - value) / width;
    const score = Math.min(1, (0.5 * gap) / edge);
    const expected = value - below <= above - value ? below : above;
    const explain = (): string => `value ${fmt(value)} is ${fmt(100 * gap)} % of the past range [${fmt(lo)}, ${fmt(hi)}] from the nearest past value ${fmt(expected)}`
      + (Number.isFinite(below) && Number.isFinite(above) ? ` (no past value between ${fmt(below)} and ${fmt(above)})` : '');
    // The range the past makes normal: within the edge of the nearest past value.
    const margin = edge * width;
    return { score, feature: 'gap', expected, explain, value, low: expected - margin, high: expected + margin };
  }

  state(): Record<string, unknown> {
    return { horizon: this.size, edge: this.rule.edge, count: this.count, lo: this.min, hi: this.max };
  }
}
