/**
 * Deploy verification: a series whose error rate, averaged over the last `meanS` seconds, breaks
 * the service's SLO error rate within `windowS` of a `deploy_version` change raises red at once,
 * and clears once that mean is back within the SLO. The threshold rule holds an error rate 5
 * minutes before alerting (seed 001 §1.3); a release failing payments cannot wait that long for
 * its rollback. A deploy is any change of a service's `deploy_version` on any of its instances
 * (a rollback too: its own errors are checked the same way). Whether the release is to blame
 * is the correlator's diagnosis (canary evidence), not this rule's. Pure: event time comes with
 * the samples; one active level per series.
 */

/** The rule's parameters (the detector config's `deployCheck`). */
export interface DeployCheckRule {
  /** A breach this long after a deploy_version change raises at once, seconds; 0 = the rule is off. */
  windowS: number;
  /** The error rate is the mean of the samples of the last `meanS` seconds (one aggregator window). */
  meanS: number;
  /** SLO error rate, percent, for a service the catalogue does not know. */
  sloErrorRate: number;
}

/** The documented defaults: the correlator's deploy window, one-minute means, the catalogue's default SLO. */
export const DEFAULT_DEPLOY_CHECK: Readonly<DeployCheckRule> = Object.freeze({ windowS: 600, meanS: 60, sloErrorRate: 1 });

/** The rule name its alerts carry (in the alert contract: the correlator reads it too). */
export { DEPLOY_CHECK_RULE } from '../../../../runtime/contracts/index.js';

/** A sample as the rule reads it. */
export interface CheckSample { service: string; instance: string; metric: string; value: number; ts: number }

/** Emitted when a series' level changes. */
export interface DeployCheckEvent {
  level: 'red' | 'clear';
  service: string;
  instance: string;
  /** The mean error rate that completed the change, percent. */
  value: number;
  /** The SLO error rate in force, percent. */
  threshold: number;
  /** Event time of the deploy_version change the breach followed. */
  deployTs: number;
  /** Raised: when the breach began (its first sample over the SLO, not before the deploy). Cleared: when the mean came back. */
  since: number;
  ts: number;
}

interface ErrorSeries { service: string; instance: string; points: Array<{ ts: number; value: number }>; active: { deployTs: number } | null }

/** What a sample that changes nothing gives (shared: no allocation on the hot path). */
const NONE: readonly DeployCheckEvent[] = Object.freeze([]);

export class DeployCheck {
  readonly #versions = new Map<string, number>();
  readonly #deployTs = new Map<string, number>();
  readonly #errors = new Map<string, ErrorSeries>();

  constructor(private rule: DeployCheckRule = DEFAULT_DEPLOY_CHECK) {
    validate(rule);
  }

  configure(rule: DeployCheckRule): void {
    validate(rule);
    this.rule = rule;
  }

  /**
   * Feeds one sample: `error_rate` moves its series' mean, `deploy_version` may mark a deploy
   * (then the service's error series are checked again at once: the deploy and its first errors
   * can come in one collection). `sloOf` gives a service's SLO error rate, percent (asked
   * only for those two metrics). Other metrics and non-finite values give nothing (and allocate
   * nothing: every sample of the detector comes through here).
   */
  observe(s: CheckSample, sloOf: (service: string) => number): readonly DeployCheckEvent[] {
    if (!Number.isFinite(s.value) || this.rule.windowS <= 0) return NONE;
    if (s.metric === 'deploy_version') return this.#version(s, sloOf(s.service));
    if (s.metric !== 'error_rate') return NONE;
    const slo = sloOf(s.service);
    const key = `${s.service}/${s.instance}`;
    let series = this.#errors.get(key);
    if (!series) this.#errors.set(key, (series = { service: s.service, instance: s.instance, points: [], active: null }));
    series.points.push({ ts: s.ts, value: s.value });
    const from = s.ts - this.rule.meanS * 1000;
    while (series.points.length > 1 && series.points[0].ts <= from) series.points.shift();
    const event = this.#evaluate(series, s.ts, slo);
    return event ? [event] : NONE;
  }

  /** Deploys seen and series raised, for `vigil inspect`. */
  state(): { rule: DeployCheckRule; lastDeploy: Record<string, number>; raised: string[] } {
    return {
      rule: this.rule,
      lastDeploy: Object.fromEntries(this.#deployTs),
      raised: [...this.#errors].filter(([, s]) => s.active).map(([k]) => k),
    };
  }

  #version(s: CheckSample, slo: number): readonly DeployCheckEvent[] {
    const key = `${s.service}/${s.instance}`;
    const previous = this.#versions.get(key);
    this.#versions.set(key, s.value);
    if (previous === undefined || previous === s.value) return NONE;
    this.#deployTs.set(s.service, s.ts);
    const out: DeployCheckEvent[] = [];
    for (const series of this.#errors.values()) {
      if (series.service !== s.service) continue;
      const event = this.#evaluate(series, s.ts, slo);
      if (event) out.push(event);
    }
    return out;
  }

  #evaluate(series: ErrorSeries, ts: number, slo: number): DeployCheckEvent | null {
    const mean = series.points.reduce((sum, p) => sum + p.value, 0) / series.points.length;
    const base = { service: series.service, instance: series.instance, value: mean, threshold: slo, ts };
    if (series.active) {
      if (mean > slo) return null;
      const { deployTs } = series.active;
      series.active = null;
      return { ...base, level: 'clear', deployTs, since: ts };
    }
    const deployTs = this.#deployTs.get(series.service);
    if (mean <= slo || deployTs === undefined || ts < deployTs || ts - deployTs > this.rule.windowS * 1000) return null;
    series.active = { deployTs };
    const firstOver = series.points.find((p) => p.value > slo)?.ts ?? ts;
    return { ...base, level: 'red', deployTs, since: Math.max(deployTs, firstOver) };
  }
}

function validate(rule: DeployCheckRule): void {
  if (![rule.windowS, rule.meanS, rule.sloErrorRate].every((v) => Number.isFinite(v) && v >= 0)) {
    throw new Error(`detector deployCheck: windowS, meanS and sloErrorRate must be finite numbers >= 0 (got ${JSON.stringify(rule)})`);
  }
}
