import type { Alert, AlertEvidence, CleanSample } from '../../../runtime/contracts/index.js';
import { fmt } from './brains/deviation.js';
import { DEFAULT_DEPLOY_CHECK, DEPLOY_CHECK_RULE, DeployCheck, type DeployCheckEvent, type DeployCheckRule } from './brains/deploy-check.js';
import { ThresholdRules, createDetector, thresholdForSensitivity, type DetectorBrain, type DetectorName, type Evidence, type ThresholdRule, type Verdict } from './brains/index.js';
import { own } from '../../../runtime/dict.js';

/** What the detector brain needs from the agent's configuration. */
export interface DetectorSettings {
  algorithm: DetectorName;
  sensitivity: number;
  serviceSensitivity: Record<string, number>;
  statMetrics: string[];
  rules: Record<string, ThresholdRule>;
  seed: number;
  /** Observations below the score threshold before a statistical alert clears. */
  clearAfter: number;
  /** The deploy check on error_rate (brains/deploy-check.ts); its defaults when absent. */
  deployCheck?: DeployCheckRule;
}

/** A service's SLO error rate (percent) from the catalogue, undefined when it is not catalogued. */
export type SloErrorRateOf = (service: string) => number | undefined;

interface StatSeries { brain: DetectorBrain; active: Alert | null; quiet: number }

/**
 * The detector's decisions for a stream of clean samples: the threshold rules (seed 001
 * §1.3 with hold and hysteresis) on every metric that has a rule, the deploy check (an error
 * rate over the service's SLO soon after a deploy raises red at once), and the statistical
 * brain (`auto` ensemble by default) on `statMetrics`. Pure: event time comes with the samples,
 * SLOs from `sloErrorRateOf` (the catalogue).
 */
export class DetectorCore {
  #rules: ThresholdRules;
  readonly #deployCheck: DeployCheck;
  readonly #series = new Map<string, StatSeries>();
  #alerts = 0;

  constructor(private settings: DetectorSettings, private readonly sloErrorRateOf: SloErrorRateOf = () => undefined) {
    this.#rules = new ThresholdRules(settings.rules);
    this.#deployCheck = new DeployCheck(this.#deployRule());
  }

  /** Alerts raised or cleared by these samples, in order. */
  observe(samples: readonly CleanSample[]): Alert[] {
    const out: Alert[] = [];
    for (const s of samples) {
      // join makes one flat string; a template literal makes a rope that, kept as a map key, holds a copy besides.
      const series = [s.service, s.instance, s.metric].join('/');
      for (const e of this.#rules.observe(s, s.value, s.ts, series)) {
        out.push({
          id: `${s.service}:${s.instance}:${s.metric}:threshold:${e.since}`, service: s.service, instance: s.instance, metric: s.metric,
          level: e.level, rule: 'threshold', value: e.value, threshold: e.threshold, since: e.since, ts: e.ts,
          explanation: `${s.metric} ${e.level === 'clear' ? 'back within' : 'beyond'} ${e.threshold} since ${new Date(e.since).toISOString()}`,
        });
      }
      for (const e of this.#deployCheck.observe(s, this.#sloErrorRate)) out.push(deployCheckAlert(e, this.#deployRule()));
      if (this.settings.statMetrics.includes(s.metric)) {
        const alert = this.observeStat(s, series);
        if (alert) out.push(alert);
      }
    }
    this.#alerts += out.filter((a) => a.level !== 'clear').length;
    return out;
  }

  /** `key` names the series: service/instance/metric. */
  private observeStat(s: CleanSample, key: string): Alert | null {
    let series = this.#series.get(key);
    if (!series) {
      series = { brain: createDetector(this.settings.algorithm, { sensitivity: this.sensitivityOf(s.service), seed: this.settings.seed }), active: null, quiet: 0 };
      this.#series.set(key, series);
    }
    const verdict = series.brain.observe(s.value, s.ts);
    const threshold = thresholdForSensitivity(this.sensitivityOf(s.service));
    if (verdict.score >= threshold) {
      series.quiet = 0;
      if (series.active) return null;
      series.active = {
        id: `${s.service}:${s.instance}:${s.metric}:${this.settings.algorithm}:${s.ts}`, service: s.service, instance: s.instance, metric: s.metric,
        level: 'yellow', rule: verdict.detector, value: s.value, threshold, score: Math.min(1, Math.max(0, verdict.score)),
        explanation: explain(verdict), evidence: alertEvidence(verdict.evidence()), since: s.ts, ts: s.ts,
      };
      return series.active;
    }
    if (!series.active || ++series.quiet < this.settings.clearAfter) return null;
    const cleared: Alert = { ...series.active, level: 'clear', value: s.value, ts: s.ts, explanation: `${verdict.detector}: back to expected (${verdict.expected.toFixed(2)})` };
    series.active = null;
    return cleared;
  }

  #deployRule(): DeployCheckRule {
    return this.settings.deployCheck ?? DEFAULT_DEPLOY_CHECK;
  }

  /** The catalogue's SLO error rate of the service, else the deploy check's default (bound once: asked per sample). */
  readonly #sloErrorRate = (service: string): number => this.sloErrorRateOf(service) ?? this.#deployRule().sloErrorRate;

  private sensitivityOf(service: string): number {
    return own(this.settings.serviceSensitivity, service) ?? this.settings.sensitivity;
  }

  /** New settings from a directive: rules replaced, sensitivities applied to every live brain. */
  reconfigure(settings: DetectorSettings): void {
    this.settings = settings;
    for (const [metric, rule] of Object.entries(settings.rules)) this.#rules.setRule(metric, rule);
    this.#deployCheck.configure(this.#deployRule());
    for (const [key, series] of this.#series) series.brain.setSensitivity(this.sensitivityOf(key.split('/')[0]));
  }

  state(): unknown {
    const { rules, series } = this.#rules.state();
    const raised = Object.entries(series).filter(([, s]) => s.level !== 'clear').map(([id, s]) => ({ series: id, level: s.level }));
    return {
      algorithm: this.settings.algorithm,
      sensitivity: this.settings.sensitivity,
      scoreThreshold: thresholdForSensitivity(this.settings.sensitivity),
      serviceSensitivity: this.settings.serviceSensitivity,
      rules,
      raised,
      deployCheck: this.#deployCheck.state(),
      statSeries: this.#series.size,
      statActive: [...this.#series].filter(([, s]) => s.active).map(([k]) => k),
      alertsRaised: this.#alerts,
    };
  }
}

/** A deploy check's level change as an alert on the service's error_rate series. */
function deployCheckAlert(e: DeployCheckEvent, rule: DeployCheckRule): Alert {
  const after = `${Math.round((e.ts - e.deployTs) / 1000)} s after a deploy_version change`;
  return {
    id: `${e.service}:${e.instance}:error_rate:${DEPLOY_CHECK_RULE}:${e.level === 'clear' ? e.deployTs : e.since}`,
    service: e.service, instance: e.instance, metric: 'error_rate', level: e.level, rule: DEPLOY_CHECK_RULE,
    value: e.value, threshold: e.threshold, since: e.since, ts: e.ts,
    explanation: e.level === 'clear'
      ? `error_rate ${e.value.toFixed(2)} % over ${rule.meanS} s back within the SLO (${e.threshold} %)`
      : `error_rate ${e.value.toFixed(2)} % over ${rule.meanS} s breaks the SLO (${e.threshold} %) ${after}`,
  };
}

/** The models that fired, as the alert contract carries them (entries with a non-finite number are left out). */
export function alertEvidence(evidence: readonly Evidence[]): AlertEvidence[] {
  return evidence
    .filter((e) => [e.score, e.observed, e.low, e.high].every(Number.isFinite))
    .map((e) => ({ detector: e.detector, feature: e.feature, score: Math.min(1, Math.max(0, e.score)), observed: e.observed, low: e.low, high: e.high }));
}

/** One sentence: which models fired, each with its observed feature against the expected range, then the strongest model's own words. */
export function explain(verdict: Verdict): string {
  const fired = alertEvidence(verdict.evidence()).map((e) => `${e.detector} [${e.feature}]: ${fmt(e.observed)} vs expected ${fmt(e.low)}..${fmt(e.high)} (score ${e.score.toFixed(2)})`);
  return fired.length > 0 ? `fired: ${fired.join(', ')}; ${verdict.explain()}` : verdict.explain();
}
