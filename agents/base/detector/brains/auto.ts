/**
 * The `auto` ensemble: every component model scores the observation, each score's
 * part beyond the envelope edge (0.5) is scaled by the component's weight, and the
 * largest weighted score wins (max-combination: one confident component suffices).
 * The weighted scores are then calibrated so that the threshold the weights were chosen at
 * lands on the default threshold. The verdict names the winning component.
 */
import { NAB_THRESHOLD } from './sensitivity.js';
import type { Assessment, ScoringModel } from './types.js';

/**
 * Maps a score piecewise linearly through (0.5, 0.5), (`from`, `to`) and (1, 1): monotone, so a
 * threshold `to` on the mapped scores alerts exactly where `from` does on the scores, and every
 * other threshold in (0.5, 1] still spans them. `calibrate(x, to, from)` is the inverse.
 */
export function calibrate(x: number, from: number, to: number): number {
  if (x <= 0.5 || from === to) return x;
  return x <= from ? 0.5 + ((x - 0.5) * (to - 0.5)) / (from - 0.5) : to + ((x - from) * (1 - to)) / (1 - from);
}

/** Max-combination of weighted component scores. */
export class EnsembleModel implements ScoringModel {
  readonly name = 'auto';

  /**
   * `weights[i]` multiplies the excess over 0.5 of `models[i]`'s score: 1 = full vote, < 1 = needs
   * stronger evidence. The weights are the same for every series: one array can serve them all.
   * `chosenAt`: the threshold the weights were chosen at, mapped onto {@link NAB_THRESHOLD}.
   */
  constructor(private readonly models: readonly ScoringModel[], private readonly weights: readonly number[], private readonly chosenAt = NAB_THRESHOLD) {
    if (models.length === 0) throw new Error('auto: the ensemble needs at least one component');
    if (weights.length !== models.length) throw new Error(`auto: ${models.length} components but ${weights.length} weights`);
    if (!(chosenAt > 0.5 && chosenAt < 1)) throw new Error(`auto: the threshold the weights were chosen at must be in (0.5, 1), got ${chosenAt}`);
  }

  assess(value: number, ts: number): Assessment {
    let best: Assessment | undefined;
    // Each model returns a fresh assessment: it carries its weighted score and name as a part of
    // the verdict, and the best one is the verdict (evidence is built from the parts for alerts only).
    const parts: Assessment[] = [];
    for (let i = 0; i < this.models.length; i++) {
      const model = this.models[i];
      const a = model.assess(value, ts);
      if (a.score > 0.5) a.score = calibrate(0.5 + (a.score - 0.5) * this.weights[i], this.chosenAt, NAB_THRESHOLD);
      a.component = model.name;
      parts.push(a);
      if (!best || a.score > best.score) best = a;
    }
    (best as Assessment).parts = parts;
    return best as Assessment;
  }

  state(): Record<string, unknown> {
    return { chosenAt: this.chosenAt, ...Object.fromEntries(this.models.map((model, i) => [model.name, { weight: this.weights[i], ...model.state() }])) };
  }
}
