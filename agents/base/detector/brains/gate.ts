/**
 * The alert gate around a scoring model: silent while warming up, and a refractory
 * period (in observations, not wall time) after an alert, so that one incident gives
 * one alert instead of one per sample.
 */
import { clampSensitivity, thresholdForSensitivity } from './sensitivity.js';
import type { Assessment, DetectorBrain, DetectorName, DetectorOptions, Evidence, ScoringModel, Verdict } from './types.js';

/** Default number of observations learnt before any alert. */
export const DEFAULT_WARMUP = 150;
/** Default refractory period, in observations. */
export const DEFAULT_REFRACTORY = 20;

/** A {@link DetectorBrain} made of a pure scoring model and the alert gate. */
export class GatedBrain implements DetectorBrain {
  private seen = 0;
  private quiet = 0;
  private alerts = 0;
  private lastAlertAt = -1;
  private sensitivity: number;
  private threshold: number;
  /** The last verdict's score and model, for inspection (not the whole verdict: a big fleet holds one brain per series). */
  private lastScore = Number.NaN;
  private lastDetector = '';
  private readonly warmup: number;
  private readonly refractory: number;

  constructor(readonly name: DetectorName, private readonly model: ScoringModel, options: DetectorOptions = {}) {
    this.sensitivity = clampSensitivity(options.sensitivity ?? 0.5);
    this.threshold = thresholdForSensitivity(this.sensitivity);
    this.warmup = Math.max(0, Math.floor(options.warmup ?? DEFAULT_WARMUP));
    this.refractory = Math.max(0, Math.floor(options.refractory ?? DEFAULT_REFRACTORY));
  }

  observe(value: number, ts: number): Verdict {
    if (!Number.isFinite(value) || !Number.isFinite(ts)) {
      // One bad sample must not poison the running statistics: skip it entirely.
      return { score: 0, detector: this.name, feature: 'value', expected: Number.NaN, observed: value, explain: () => 'not a finite value or time: ignored', evidence: () => [] };
    }
    const a = this.model.assess(value, ts);
    const index = this.seen++;
    const detector = a.component ? `${this.name}/${a.component}` : this.name;
    let score = a.score;
    let explain = a.explain;
    if (index < this.warmup) {
      score = 0;
      const { warmup } = this;
      explain = () => `learning (${index + 1}/${warmup} observations before alerts): ${a.explain()}`;
    } else if (this.quiet > 0) {
      this.quiet--;
      if (score >= this.threshold) {
        score = Math.min(score, this.threshold - 1e-9);
        const { refractory, lastAlertAt } = this;
        explain = () => `suppressed: within ${refractory} observations of the alert at #${lastAlertAt}: ${a.explain()}`;
      }
    } else if (score >= this.threshold) {
      this.quiet = this.refractory;
      this.alerts++;
      this.lastAlertAt = index;
    }
    this.lastScore = score;
    this.lastDetector = detector;
    const { threshold, name } = this;
    return { score, detector, feature: a.feature, expected: a.expected, observed: value, explain, evidence: () => evidenceOf(name, a, value, threshold) };
  }

  setSensitivity(sensitivity: number): void {
    this.sensitivity = clampSensitivity(sensitivity);
    this.threshold = thresholdForSensitivity(this.sensitivity);
  }

  state(): unknown {
    return {
      detector: this.name,
      observations: this.seen,
      warmup: this.warmup,
      refractory: this.refractory,
      sensitivity: this.sensitivity,
      threshold: this.threshold,
      alerts: this.alerts,
      lastAlertAt: this.lastAlertAt,
      last: this.seen > 0 ? { score: this.lastScore, detector: this.lastDetector } : null,
      model: this.model.state(),
    };
  }
}

/** The models at or above `threshold`, strongest first; else the strongest one (`brain`'s own when it has no parts). */
function evidenceOf(brain: DetectorName, a: Assessment, value: number, threshold: number): Evidence[] {
  const all = (a.parts ?? [a]).map((p) => ({
    detector: p.component ?? brain, feature: p.feature, score: p.score, observed: p.value ?? value, low: p.low ?? p.expected, high: p.high ?? p.expected,
  }));
  const fired = all.filter((e) => e.score >= threshold).sort((x, y) => y.score - x.score);
  if (fired.length > 0) return fired;
  return all.length > 0 ? [all.reduce((x, y) => (y.score > x.score ? y : x))] : [];
}
