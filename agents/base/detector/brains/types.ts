/**
 * Shared types of the detector brains: pure, streaming anomaly scorers that see one
 * observation at a time, keep state only from the past and never read the wall clock.
 */

/** Names accepted by {@link createDetector}. */
export type DetectorName = 'zscore' | 'ewma' | 'mad' | 'seasonal' | 'iforest' | 'novelty' | 'gap' | 'change' | 'likelihood' | 'auto';

/** A detector that can be a component of the `auto` ensemble (every one but `auto`). */
export type ComponentName = Exclude<DetectorName, 'auto'>;

/** Every detector name, in documentation order. */
export const DETECTOR_NAMES: readonly DetectorName[] = ['auto', 'novelty', 'gap', 'seasonal', 'change', 'likelihood', 'zscore', 'ewma', 'mad', 'iforest'];

/** What a brain says about one observation. */
export interface Verdict {
  /** Anomaly score in [0, 1]; compare with `thresholdForSensitivity(sensitivity)`. */
  score: number;
  /** The brain (or, for `auto`, `auto/<component>`) that produced the score. */
  detector: string;
  /** The feature that was scored, e.g. `value`, `level(20)`, `z(100)`, `residual`. */
  feature: string;
  /** The value the model expected for this observation (same unit as `observed`). */
  expected: number;
  /** The observed value. */
  observed: number;
  /** One human sentence on why the score is what it is (built on demand: most verdicts are never read). */
  explain(): string;
  /**
   * The models that fired (score at or above the brain's threshold), strongest first; when
   * none did, the strongest one. For `auto`, one entry per component that fired. Built on demand,
   * like `explain`: only an alert reads it.
   */
  evidence(): Evidence[];
}

/** What one model saw: its feature's value against the range the past makes normal. */
export interface Evidence {
  /** Model name (`novelty`, `seasonal`, `change`, ...). */
  detector: string;
  /** The feature scored, e.g. `value`, `level(20)`, `z(100)`, `residual`, `shift(12|288)`. */
  feature: string;
  /** Score of this model as the brain compares it with the threshold (weighted in `auto`). */
  score: number;
  /** The value the range applies to: the sample, or for level and shift features the short-run mean. */
  observed: number;
  /** Expected range of `observed`, in the series' unit: what the past makes normal. */
  low: number;
  high: number;
}

/** A streaming detector for one series. Deterministic for a given seed and input sequence. */
export interface DetectorBrain {
  readonly name: DetectorName;
  /**
   * Scores `value` observed at event time `ts` (ms since epoch) against the past, then
   * learns it. Call once per sample, in order. Never looks ahead, never reads the clock.
   */
  observe(value: number, ts: number): Verdict;
  /** Changes the sensitivity (0..1) live; affects the alert gate (refractory period). */
  setSensitivity(sensitivity: number): void;
  /** JSON-serialisable summary of the brain's state, for inspection. */
  state(): unknown;
}

/** Options shared by every brain. Unset fields take the documented defaults. */
export interface DetectorOptions {
  /** 0..1, default 0.5: higher = lower score threshold = more alerts (seed 002). */
  sensitivity?: number;
  /** Seed of the pseudo-random generator (isolation forest); default 1. */
  seed?: number;
  /** Observations to learn from before any alert (score forced to 0); default 150. */
  warmup?: number;
  /** Observations during which scores stay below the threshold after an alert; default 20. */
  refractory?: number;
}

/** What a scoring model says about one observation, before the alert gate. */
export interface Assessment {
  /** Calibrated score in [0, 1]: 0.5 = at the edge of what the past has shown. */
  score: number;
  feature: string;
  expected: number;
  /** Why the score is what it is; built only when asked (an alert), never per sample. */
  explain(): string;
  /** For ensembles: the component model that gave the score. */
  component?: string;
  /** The feature's value and the range the past makes normal for it (for evidence; default: the observed value and `expected`). */
  value?: number;
  low?: number;
  high?: number;
  /** For ensembles: every component's assessment, `score` weighted and `component` named. */
  parts?: Assessment[];
}

/**
 * The pure model inside a brain: `assess` scores an observation against the past and
 * then learns it. Brains wrap a model with the warm-up and refractory gate.
 */
export interface ScoringModel {
  readonly name: string;
  assess(value: number, ts: number): Assessment;
  state(): Record<string, unknown>;
}
