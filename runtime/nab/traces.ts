/**
 * Component traces: the raw score of every `auto` component on every row of a file,
 * computed once, so that ensemble weights and thresholds can be compared without
 * re-running the models. `gatedDetections` replays exactly what the `auto` brain does
 * (weighted max-combination, warm-up, refractory gate): a test checks it row by row.
 */
import { AUTO_COMPONENTS, createModel, DEFAULT_REFRACTORY, type ComponentName } from '../../agents/base/detector/brains/index.js';

/** Per-component raw scores of one series (one Float64Array per component, row order). */
export type Traces = Record<ComponentName, Float64Array>;

/** Ensemble weights: a component absent or at 0 takes no part. */
export type Weights = Partial<Record<ComponentName, number>>;

/** Streams one series through a fresh model of each component and records its scores. */
export function componentTraces(values: number[], times: number[], components: readonly ComponentName[] = AUTO_COMPONENTS, seed = 1): Traces {
  const traces = {} as Traces;
  for (const name of components) {
    const model = createModel(name, { seed });
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i]) && Number.isFinite(times[i])) out[i] = model.assess(values[i], times[i]).score;
    }
    traces[name] = out;
  }
  return traces;
}

/** The ensemble's score per row: max over components of 0.5 + (score - 0.5) * weight (`EnsembleModel`). */
export function combineTraces(traces: Traces, weights: Weights): Float64Array {
  const active = (Object.entries(weights) as [ComponentName, number][]).filter(([name, w]) => w > 0 && traces[name]);
  const n = active.length ? traces[active[0][0]].length : 0;
  const out = new Float64Array(n);
  for (const [name, w] of active) {
    const t = traces[name];
    for (let i = 0; i < n; i++) {
      const a = t[i];
      const s = a > 0.5 ? 0.5 + (a - 0.5) * w : a;
      if (s > out[i]) out[i] = s;
    }
  }
  return out;
}

/** Rows flagged at `threshold`: silent for `warmup` rows, then quiet for `refractory` rows after every alert (`GatedBrain`). */
export function gate(scores: ArrayLike<number>, threshold: number, warmup: number, refractory = DEFAULT_REFRACTORY): Uint8Array {
  const out = new Uint8Array(scores.length);
  let quiet = 0;
  for (let i = warmup; i < scores.length; i++) {
    if (quiet > 0) quiet--;
    else if (scores[i] >= threshold) {
      out[i] = 1;
      quiet = refractory;
    }
  }
  return out;
}

/** Rows the gated `auto` ensemble flags at `threshold` (what `GatedBrain` around `EnsembleModel` does). */
export function gatedDetections(traces: Traces, weights: Weights, threshold: number, warmup: number, refractory = DEFAULT_REFRACTORY): Uint8Array {
  return gate(combineTraces(traces, weights), threshold, warmup, refractory);
}
