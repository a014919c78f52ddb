/**
 * The `auto` ensemble: every component model scores the observation, each score's
 * part beyond the envelope edge (0.5) is scaled by the component's weight, and the
 * largest weighted score wins (max-combination: one confident component suffices).
 * The verdict names the winning component.
 */
import type { Assessment, ScoringModel } from './types.js';

/** Max-combination of weighted component scores. */
export class EnsembleModel implements ScoringModel {
  readonly name = 'auto';

  /**
   * `weights[i]` multiplies the excess over 0.5 of `models[i]`'s score: 1 = full vote, < 1 = needs
   * stronger evidence. The weights are the same for every series: one array can serve them all.
   */
  constructor(private readonly models: readonly ScoringModel[], private readonly weights: readonly number[]) {
    if (models.length === 0) throw new Error('auto: the ensemble needs at least one component');
    if (weights.length !== models.length) throw new Error(`auto: ${models.length} components but ${weights.length} weights`);
  }

  assess(value: number, ts: number): Assessment {
    let best: Assessment | undefined;
    // Each model returns a fresh assessment: it carries its weighted score and name as a part of
    // the verdict, and the best one is the verdict (evidence is built from the parts for alerts only).
    const parts: Assessment[] = [];
    for (let i = 0; i < this.models.length; i++) {
      const model = this.models[i];
      const a = model.assess(value, ts);
      if (a.score > 0.5) a.score = 0.5 + (a.score - 0.5) * this.weights[i];
      a.component = model.name;
      parts.push(a);
      if (!best || a.score > best.score) best = a;
    }
    (best as Assessment).parts = parts;
    return best as Assessment;
  }

  state(): Record<string, unknown> {
    return Object.fromEntries(this.models.map((model, i) => [model.name, { weight: this.weights[i], ...model.state() }]));
  }
}
