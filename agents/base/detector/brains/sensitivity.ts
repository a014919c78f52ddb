/**
 * Sensitivity (seed 002: a number in 0..1, default 0.5) to score threshold. Higher
 * sensitivity = lower threshold = more alerts. The default operating point is the
 * threshold chosen once on the NAB benchmark (see {@link NAB_THRESHOLD}).
 */

/**
 * The score threshold of the default sensitivity (0.5), shared by every brain. In envelope terms:
 * 4.8 % of the past range beyond the most extreme value seen. It is what the selection of
 * `vigil nab --cv` (runtime/nab/cv.ts) chose on the 41 shared NAB files for the ensemble of range
 * novelty, the seasonal profile and the z-score; since gap novelty joined the ensemble the selection
 * chooses its weights at 0.70 (`AUTO_CHOSEN_AT`), and `auto` maps that threshold onto this one, so
 * that the single brains keep their operating point. No labels are read at run time: the brains only
 * see this constant.
 */
export const NAB_THRESHOLD = 0.62;

/** Default sensitivity (seed 002). */
export const DEFAULT_SENSITIVITY = 0.5;

const MOST_SENSITIVE = 0.4;
const LEAST_SENSITIVE = 1;

/** Clamps a sensitivity to [0, 1]; anything not finite becomes the default. */
export function clampSensitivity(s: number): number {
  return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : DEFAULT_SENSITIVITY;
}

/**
 * Score threshold for a sensitivity in [0, 1]: piecewise linear through
 * (0, 1), (0.5, NAB_THRESHOLD), (1, 0.4). A score >= the threshold is an alert.
 */
export function thresholdForSensitivity(sensitivity: number): number {
  const s = clampSensitivity(sensitivity);
  return s <= 0.5
    ? LEAST_SENSITIVE - (LEAST_SENSITIVE - NAB_THRESHOLD) * (s / 0.5)
    : NAB_THRESHOLD - (NAB_THRESHOLD - MOST_SENSITIVE) * ((s - 0.5) / 0.5);
}

/** Inverse of {@link thresholdForSensitivity} (thresholds outside [0.4, 1] are clamped). */
export function sensitivityForThreshold(threshold: number): number {
  const t = Math.min(LEAST_SENSITIVE, Math.max(MOST_SENSITIVE, threshold));
  return t >= NAB_THRESHOLD
    ? (0.5 * (LEAST_SENSITIVE - t)) / (LEAST_SENSITIVE - NAB_THRESHOLD)
    : 0.5 + (0.5 * (NAB_THRESHOLD - t)) / (NAB_THRESHOLD - MOST_SENSITIVE);
}
