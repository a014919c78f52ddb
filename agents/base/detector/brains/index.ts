/**
 * Detector brains: pure, streaming anomaly scorers (one instance per series) and the
 * threshold rules. The detector agent calls `createDetector(name, options)` once per
 * series, `observe(value, ts)` per sample, compares `verdict.score` with
 * `thresholdForSensitivity(sensitivity)`, and calls `setSensitivity` on directives.
 */
import { EnsembleModel } from './auto.js';
import { ChangeModel } from './change.js';
import { EwmaModel } from './ewma.js';
import { GapModel } from './gap.js';
import { GatedBrain } from './gate.js';
import { IsolationForestModel } from './iforest.js';
import { LikelihoodModel } from './likelihood.js';
import { MadModel } from './mad.js';
import { NoveltyModel } from './novelty.js';
import { SeasonalModel } from './seasonal.js';
import { DETECTOR_NAMES, type ComponentName, type DetectorBrain, type DetectorName, type DetectorOptions, type ScoringModel } from './types.js';
import { ZScoreModel } from './zscore.js';

export * from './types.js';
export { thresholdForSensitivity, sensitivityForThreshold, clampSensitivity, NAB_THRESHOLD, DEFAULT_SENSITIVITY } from './sensitivity.js';
export { GatedBrain, DEFAULT_WARMUP, DEFAULT_REFRACTORY } from './gate.js';
export { Envelope, ENVELOPE_GAIN, type EnvelopeOptions, type EnvelopeScore } from './envelope.js';
export { ZScoreModel, type ZScoreOptions } from './zscore.js';
export { EwmaModel, type EwmaOptions } from './ewma.js';
export { MadModel, type MadOptions } from './mad.js';
export { SeasonalModel, type SeasonalOptions } from './seasonal.js';
export { IsolationForestModel, type IsolationForestOptions } from './iforest.js';
export { NoveltyModel, type NoveltyOptions } from './novelty.js';
export { GapModel, type GapOptions } from './gap.js';
export { ChangeModel, type ChangeOptions } from './change.js';
export { LikelihoodModel, normalTail, type LikelihoodOptions } from './likelihood.js';
export { EnsembleModel, calibrate } from './auto.js';
export { mulberry32, withRandom } from './prng.js';
export * from './threshold-rules.js';

/**
 * Weights of the `auto` ensemble's components (see auto.ts), as chosen by the
 * cross-validated selection of `vigil nab --cv` (runtime/nab/cv.ts, README there), at the
 * ensemble threshold {@link AUTO_CHOSEN_AT}. Range novelty and the seasonal profile vote fully
 * (they alert 8 % of the past range beyond the most extreme value or distance seen); gap novelty
 * at 0.6 alerts on a value 3.3 % of the past range from every past value, and the rolling z-score
 * at 0.6 on a |z| 13 % of the past range beyond the largest it has seen. The change-point and
 * likelihood brains are in the selection grid (0, 0.3, 0.6) and come out at 0; EWMA, median/MAD
 * and the isolation forest cost 0.4-0.9 standard points at 0.3. All remain available on their own.
 */
export const AUTO_WEIGHTS: Readonly<Record<ComponentName, number>> = {
  novelty: 1,
  gap: 0.6,
  seasonal: 1,
  change: 0,
  likelihood: 0,
  zscore: 0.6,
  ewma: 0,
  mad: 0,
  iforest: 0,
};

/**
 * The ensemble threshold {@link AUTO_WEIGHTS} were chosen at. `auto` maps it onto the default
 * threshold ({@link NAB_THRESHOLD}, shared by every brain): at the default sensitivity it alerts
 * exactly where the chosen candidate does, and other sensitivities move from there.
 */
export const AUTO_CHOSEN_AT = 0.7;

/** The components with a vote in `auto` (weight above 0), and their weights: shared by every series' brain. */
const AUTO_VOTERS = (Object.keys(AUTO_WEIGHTS) as ComponentName[]).filter((c) => AUTO_WEIGHTS[c] > 0);
const AUTO_VOTER_WEIGHTS: readonly number[] = AUTO_VOTERS.map((c) => AUTO_WEIGHTS[c]);

/** Every component name, in documentation order. */
export const AUTO_COMPONENTS = DETECTOR_NAMES.filter((n): n is ComponentName => n !== 'auto');

/** A fresh scoring model (no gate) for a component name. */
export function createModel(name: ComponentName, options: DetectorOptions = {}): ScoringModel {
  switch (name) {
    case 'change': return new ChangeModel();
    case 'likelihood': return new LikelihoodModel();
    case 'zscore': return new ZScoreModel();
    case 'ewma': return new EwmaModel();
    case 'mad': return new MadModel();
    case 'seasonal': return new SeasonalModel();
    case 'iforest': return new IsolationForestModel({ seed: options.seed });
    case 'novelty': return new NoveltyModel();
    case 'gap': return new GapModel();
  }
}

/**
 * A new brain for one series. Throws an Error naming the detector when `name` is not
 * one of {@link DETECTOR_NAMES}. Options: sensitivity (default 0.5), seed (default 1),
 * warmup (default 150 observations), refractory (default 20 observations).
 */
export function createDetector(name: DetectorName, options: DetectorOptions = {}): DetectorBrain {
  if (!DETECTOR_NAMES.includes(name)) {
    throw new Error(`unknown detector "${String(name)}": expected one of ${DETECTOR_NAMES.join(', ')}`);
  }
  if (name !== 'auto') return new GatedBrain(name, createModel(name, options), options);
  const models = AUTO_VOTERS.map((component) => createModel(component, options));
  return new GatedBrain('auto', new EnsembleModel(models, AUTO_VOTER_WEIGHTS, AUTO_CHOSEN_AT), options);
}
export { RollingStats, SlidingExtremes, SlidingValues, SortedWindow } from './rolling.js';
