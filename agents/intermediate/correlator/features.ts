import { sampleCorrelation } from 'simple-statistics';
import type { AggWindow } from '../../../runtime/contracts/index.js';

/** Settings of the per-service features (part of the correlator config). */
export interface FeatureConfig {
  /** rps / baseline at or above which traffic counts as a surge (default 2). */
  surgeFactor: number;
  /** How long a detected surge counts as ongoing, seconds (default 600). */
  surgeHoldS: number;
  /** Window means kept per metric for trends and correlation (default 10). */
  historyWindows: number;
}

interface ServiceFeatures {
  last: AggWindow | null;
  rpsBaseline: number | null;
  rpsRatio: number;
  surgeUntil: number;
  /** Event-time spans in which deploy_version changed (most recent last, at most 5), with what the canary showed. */
  deploys: Deploy[];
  lastVersion: number | null;
  /** Versions that served a whole window within the SLO error rate (most recent last, at most 20). */
  servedWell: number[];
  history: Map<string, number[]>;
}

const MAX_DEPLOYS = 5;
const MAX_VERSIONS = 20;

/** A deploy_version change: when (the window span), to which version, and what the canary showed. */
export interface Deploy {
  start: number; end: number; canary: Canary | null;
  /** The version deployed had served a whole window within the SLO before (a rollback to a known-good version). */
  servedWellBefore: boolean;
}

/**
 * A release compared with the one it replaces while both served (error_rate_new_version and
 * error_rate_old_version, as a canary analysis reads them): mean error rates over the windows of
 * the rollout, percent.
 */
export interface Canary { newPct: number; oldPct: number; windows: number }

/**
 * What the correlator learns from the aggregator's windows, per service, in O(1) memory:
 * an rps baseline (EWMA, slowed down during a surge so a long surge stays a surge), deploy
 * times from `deploy_version` (and the versions that served within the SLO), and the last N
 * window means of every metric.
 */
export class Features {
  readonly #services = new Map<string, ServiceFeatures>();

  constructor(private config: FeatureConfig) {}

  reconfigure(config: FeatureConfig): void { this.config = config; }

  /** Takes one closed window into account; `sloErrorRate` (percent) is the service's, from the catalogue. */
  update(w: AggWindow, sloErrorRate = 1): void {
    const f = this.#get(w.service);
    f.last = w;
    const rps = w.metrics.rps;
    if (rps) {
      if (f.rpsBaseline === null) f.rpsBaseline = rps.mean;
      f.rpsRatio = rps.mean / Math.max(f.rpsBaseline, 1);
      const surging = f.rpsRatio >= this.config.surgeFactor;
      if (surging) f.surgeUntil = w.end + this.config.surgeHoldS * 1000;
      f.rpsBaseline += (surging ? 0.01 : 0.05) * (rps.mean - f.rpsBaseline);
    }
    const version = w.metrics.deploy_version;
    if (version) {
      const changedInside = version.min !== version.max;
      const changedBetween = f.lastVersion !== null && version.min !== f.lastVersion;
      if (changedInside || changedBetween) {
        // changed inside: after the window's first sample (a rollback to a lower number also moves `min`
        // off the last version: still inside); only between windows: dated from the window before
        f.deploys.push({ start: changedInside ? w.start : w.start - w.windowS * 1000, end: w.end, canary: null, servedWellBefore: f.servedWell.includes(version.last) });
        if (f.deploys.length > MAX_DEPLOYS) f.deploys.shift();
      } else if ((w.metrics.error_rate?.mean ?? Infinity) <= sloErrorRate && !f.servedWell.includes(version.last)) {
        f.servedWell.push(version.last);
        if (f.servedWell.length > MAX_VERSIONS) f.servedWell.shift();
      }
      f.lastVersion = version.last;
    }
    const canaryNew = w.metrics.error_rate_new_version;
    const canaryOld = w.metrics.error_rate_old_version;
    const deploy = f.deploys[f.deploys.length - 1];
    if (canaryNew && canaryOld && deploy) {
      const c = deploy.canary ?? { newPct: 0, oldPct: 0, windows: 0 };
      c.windows++;
      c.newPct += (canaryNew.mean - c.newPct) / c.windows;
      c.oldPct += (canaryOld.mean - c.oldPct) / c.windows;
      deploy.canary = c;
    }
    for (const [metric, stats] of Object.entries(w.metrics)) {
      let h = f.history.get(metric);
      if (!h) { h = []; f.history.set(metric, h); }
      h.push(stats.mean);
      if (h.length > this.config.historyWindows) h.shift();
    }
  }

  /**
   * True while the service's windows do not yet reach event time `ts` (the window holding it
   * has not closed) and may still come: one is due within two window lengths of the last one.
   * A service never seen in a window has nothing to wait for.
   */
  awaiting(service: string, ts: number, now: number): boolean {
    const last = this.#services.get(service)?.last;
    return last !== null && last !== undefined && ts >= last.end && now < last.end + 2 * last.windowS * 1000;
  }

  /** Mean of `metric` in the service's last window, or null. */
  lastMean(service: string, metric: string): number | null {
    return this.lastStat(service, metric, 'mean');
  }

  /** The end (event time) of the service's last window, or null. */
  lastEnd(service: string): number | null {
    return this.#services.get(service)?.last?.end ?? null;
  }

  /** One statistic of `metric` in the service's last window, or null. */
  lastStat(service: string, metric: string, stat: 'mean' | 'p90' | 'last'): number | null {
    return this.#services.get(service)?.last?.metrics[metric]?.[stat] ?? null;
  }

  /** The lowest window mean of `metric` among the windows kept (how it usually is, before a fault), or null. */
  usualMean(service: string, metric: string): number | null {
    const h = this.#services.get(service)?.history.get(metric);
    return h && h.length > 0 ? Math.min(...h) : null;
  }

  /** True while an rps surge detected at most surgeHoldS ago is ongoing at `now`. */
  surging(service: string, now: number): boolean {
    const f = this.#services.get(service);
    return f !== undefined && now < f.surgeUntil;
  }

  /** rps of the last window over the baseline (1 when unknown). */
  rpsRatio(service: string): number {
    return this.#services.get(service)?.rpsRatio ?? 1;
  }

  /**
   * The latest deploy in [from, to) (event time) with its canary comparison, or null. A deploy
   * whose window begins at `to` came after an alert raised at `to` (a rollback answering it):
   * a deploy seen inside a window changed after the window's first sample, one seen between
   * windows is dated from the window before.
   */
  lastDeployBetween(service: string, from: number, to: number): Deploy | null {
    const deploys = this.#services.get(service)?.deploys ?? [];
    for (let i = deploys.length - 1; i >= 0; i--) if (deploys[i].end >= from && deploys[i].start < to) return deploys[i];
    return null;
  }

  /** True when the last `minPoints`+ window means of `metric` rise steadily (3 of 4 steps up, net rise). */
  risingSteadily(service: string, metric: string, minPoints = 4): boolean {
    const h = this.#services.get(service)?.history.get(metric) ?? [];
    if (h.length < minPoints) return false;
    let ups = 0;
    for (let i = 1; i < h.length; i++) if (h[i] > h[i - 1]) ups++;
    return ups >= 0.75 * (h.length - 1) && h[h.length - 1] > h[0];
  }

  /** |Pearson correlation| of two services' window means (aligned on the most recent), 0 if unknown. */
  correlation(a: string, metricA: string, b: string, metricB: string): number {
    const x = this.#services.get(a)?.history.get(metricA) ?? [];
    const y = this.#services.get(b)?.history.get(metricB) ?? [];
    const n = Math.min(x.length, y.length);
    if (n < 4) return 0;
    const r = sampleCorrelation(x.slice(-n), y.slice(-n));
    return Number.isFinite(r) ? Math.abs(r) : 0;
  }

  reset(): void { this.#services.clear(); }

  #get(service: string): ServiceFeatures {
    let f = this.#services.get(service);
    if (!f) {
      f = { last: null, rpsBaseline: null, rpsRatio: 1, surgeUntil: 0, deploys: [], lastVersion: null, servedWell: [], history: new Map() };
      this.#services.set(service, f);
    }
    return f;
  }
}
