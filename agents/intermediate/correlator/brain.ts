import type { AggWindow, Alert, Hypothesis, Incident, IncidentPattern } from '../../../runtime/contracts/index.js';
import { Features, type FeatureConfig } from './features.js';
import { onOneChain, type ServiceInfo, type Topology } from './graph.js';
import { classify, type AlertFact, type PatternConfig } from './patterns.js';
import { rankCandidates, type Candidate } from './ranking.js';

/** Correlator settings (the agent's config schema mirrors this). */
export interface CorrelatorConfig extends FeatureConfig, PatternConfig {
  /** An alert joins an open incident of its dependency chain active within this window, seconds (default 300). */
  windowS: number;
  /** An incident resolves once none of its alerts has been active for this long, seconds (default 180). */
  quietS: number;
  /** An alert neither repeated nor cleared for this long counts as ended, seconds; 0 = never (default 0). */
  alertTtlS: number;
  /** Services alerting within this long of an incident's first alert count as its onset, seconds (default 60). */
  rootTieS: number;
}

/** The documented defaults (the agent's config schema uses the same values). */
export const DEFAULT_CORRELATOR_CONFIG: CorrelatorConfig = {
  windowS: 300, quietS: 180, alertTtlS: 0, rootTieS: 60, deployWindowS: 600, ddosSourceShare: 50, heavySourceShare: 25, poolHighPct: 85, lockWaitShare: 0.25, networkShare: 0.25,
  canaryMargin: 0.5, highRpsFactor: 1.2, surgeFactor: 2, surgeHoldS: 600, historyWindows: 10,
};

/** The catalogue as the correlator sees it: a lookup and the list of known services. */
export interface CatalogSnapshot { topology: Topology; services: readonly string[] }

interface AlertState { key: string; service: string; metric: string; level: 'yellow' | 'red'; rule: string; firstTs: number; lastTs: number; active: boolean; incidentId: string }

interface OpenIncident {
  id: string;
  openedAt: number;
  serviceFirst: Map<string, number>;
  alertKeys: Set<string>;
  alertIds: string[];
  lastActiveTs: number;
  best: { pattern: IncidentPattern; rank: number; evidence: string; at?: string } | null;
  /** the causes weighed when the best pattern last held */
  hypotheses: Hypothesis[];
  severity: 'yellow' | 'red';
  signature: string;
  last: Incident | null;
  /** updates published so far (the next one carries revision + 1) */
  revision: number;
}

const MAX_ALERT_IDS = 100;
const MAX_RESOLVED_KEPT = 20;

/**
 * The correlator's brain: groups alerts into one incident per dependency chain and time
 * window, ranks the root cause, names the pattern and decides when an incident is resolved.
 * Pure: alerts, windows, the catalogue and event time come in; incidents to publish go out
 * (on open, on every meaningful change, and once resolved).
 */
export class Correlator {
  #config: CorrelatorConfig;
  readonly #features: Features;
  readonly #alerts = new Map<string, AlertState>();
  readonly #open = new Map<string, OpenIncident>();
  #resolved: Incident[] = [];
  #counts = { opened: 0, resolved: 0, duplicates: 0, withinSlo: 0 };
  /** The simulated run's tag in incident ids ('' live). */
  #runTag = '';

  constructor(config: Partial<CorrelatorConfig> = {}) {
    this.#config = { ...DEFAULT_CORRELATOR_CONFIG, ...config };
    this.#features = new Features(this.#config);
  }

  /**
   * Takes one alert; returns the incidents that opened or changed because of it. A yellow alert
   * (statistical, or the seed's global 200 ms warning) whose value stays within its service's
   * SLO (latency, error rate) is counted and dropped: a warning that breaches nothing is no
   * symptom, and it would open incidents and name root causes (a 7 ms anomaly on a database, a
   * checkout whose normal 300 ms is within its 400 ms SLO). Red alerts always count.
   */
  alert(a: Alert, catalog: CatalogSnapshot): Incident[] {
    if (withinSlo(a, catalog.topology(a.service))) {
      this.#counts.withinSlo++;
      return [];
    }
    // one series can carry a threshold alert and a statistical one that rise and clear apart
    const key = `${a.service}|${a.instance}|${a.metric}|${a.rule}`;
    const known = this.#alerts.get(key);
    if (a.level === 'clear') {
      if (known?.active) {
        known.active = false;
        const inc = this.#open.get(known.incidentId);
        if (inc) inc.lastActiveTs = Math.max(inc.lastActiveTs, a.ts);
      }
      return [];
    }
    let inc = known ? this.#open.get(known.incidentId) : undefined;
    if (known && inc) {
      if (known.active && known.level === a.level) this.#counts.duplicates++;
      Object.assign(known, { level: a.level, rule: a.rule, lastTs: a.ts, active: true });
    } else {
      inc = this.#findIncident(a.service, a.ts, catalog) ?? this.#openIncident(a);
      // onset = when the condition began (`since`), not when a rule's hold let the alert out: a CPU
      // held 5 minutes must not look later than a latency its saturation caused
      const began = Math.min(a.since, a.ts);
      this.#alerts.set(key, { key, service: a.service, metric: a.metric, level: a.level, rule: a.rule, firstTs: began, lastTs: a.ts, active: true, incidentId: inc.id });
      inc.alertKeys.add(key);
      inc.serviceFirst.set(a.service, Math.min(inc.serviceFirst.get(a.service) ?? began, began));
    }
    if (!inc.alertIds.includes(a.id) && inc.alertIds.length < MAX_ALERT_IDS) inc.alertIds.push(a.id);
    inc.lastActiveTs = Math.max(inc.lastActiveTs, a.ts);
    return this.#publishIfChanged(inc, a.ts, catalog);
  }

  /**
   * Takes one aggregated window; returns incidents whose pattern or root cause it changed. (A
   * failing deploy's error rate is the detector's alert, deploy-check; the correlator judges it.)
   */
  window(w: AggWindow, now: number, catalog: CatalogSnapshot): Incident[] {
    this.#features.update(w, catalog.topology(w.service)?.sloErrorRate);
    const out: Incident[] = [];
    for (const inc of this.#sortedOpen()) {
      if (inc.serviceFirst.has(w.service)) out.push(...this.#publishIfChanged(inc, now, catalog));
    }
    return out;
  }

  /**
   * Event time reached `now`: ends stale alerts (if configured), publishes incidents held back
   * for evidence whose wait is over (with `catalog`) and resolves quiet incidents.
   */
  advance(now: number, catalog?: CatalogSnapshot): Incident[] {
    if (this.#config.alertTtlS > 0) {
      for (const st of this.#alerts.values()) {
        if (st.active && now - st.lastTs >= this.#config.alertTtlS * 1000) {
          st.active = false;
          const inc = this.#open.get(st.incidentId);
          if (inc) inc.lastActiveTs = Math.max(inc.lastActiveTs, st.lastTs);
        }
      }
    }
    const out: Incident[] = [];
    for (const inc of this.#sortedOpen()) {
      if (!inc.last && catalog) out.push(...this.#publishIfChanged(inc, now, catalog));
      if (this.#active(inc) || now - inc.lastActiveTs < this.#config.quietS * 1000 || !inc.last) continue;
      const resolved: Incident = { ...inc.last, status: 'resolved', revision: ++inc.revision, ts: now };
      for (const key of inc.alertKeys) this.#alerts.delete(key);
      this.#open.delete(inc.id);
      this.#resolved = [...this.#resolved, resolved].slice(-MAX_RESOLVED_KEPT);
      this.#counts.resolved++;
      out.push(resolved);
    }
    return out;
  }

  reconfigure(config: Partial<CorrelatorConfig>): void {
    this.#config = { ...this.#config, ...config };
    this.#features.reconfigure(this.#config);
  }

  /** Forgets alerts, incidents and learnt baselines (a new simulated run). */
  /** A new simulated run (`runId` from begin-run): incident ids carry it, so two runs never share one. */
  reset(runId = ''): void {
    this.#runTag = runId.replace(/^run-/, '').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24);
    this.#alerts.clear();
    this.#open.clear();
    this.#features.reset();
    this.#resolved = [];
    this.#counts = { opened: 0, resolved: 0, duplicates: 0, withinSlo: 0 };
  }

  /** Open incidents, the last resolved ones and counters, for `vigil inspect`. */
  state(): unknown {
    return {
      config: this.#config, counts: this.#counts,
      activeAlerts: [...this.#alerts.values()].filter((a) => a.active).length,
      open: this.#sortedOpen().map((i) => i.last), recentlyResolved: this.#resolved,
    };
  }

  #sortedOpen(): OpenIncident[] {
    return [...this.#open.values()].sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
  }

  #active(inc: OpenIncident): boolean {
    for (const key of inc.alertKeys) if (this.#alerts.get(key)?.active) return true;
    return false;
  }

  /** The oldest open incident on the service's dependency chain that was active within the window. */
  #findIncident(service: string, ts: number, catalog: CatalogSnapshot): OpenIncident | undefined {
    return this.#sortedOpen().find((inc) =>
      (this.#active(inc) || ts - inc.lastActiveTs <= this.#config.windowS * 1000)
      && [...inc.serviceFirst.keys()].some((s) => onOneChain(s, service, catalog.topology)));
  }

  #openIncident(a: Alert): OpenIncident {
    const inc: OpenIncident = {
      id: this.#runTag ? `inc-${a.service}-${a.ts}-${this.#runTag}` : `inc-${a.service}-${a.ts}`, openedAt: a.ts, serviceFirst: new Map(), alertKeys: new Set(), alertIds: [],
      lastActiveTs: a.ts, best: null, hypotheses: [], severity: a.level === 'red' ? 'red' : 'yellow', signature: '', last: null, revision: 0,
    };
    this.#open.set(inc.id, inc);
    this.#counts.opened++;
    return inc;
  }

  #publishIfChanged(inc: OpenIncident, now: number, catalog: CatalogSnapshot): Incident[] {
    const next = this.#evaluate(inc, now, catalog);
    if (!next) return [];
    const signature = JSON.stringify([
      [...next.services].sort(), next.metrics, next.rootCause.service, next.rootCause.metric, next.pattern, next.severity,
      located(next.hypotheses),
    ]);
    inc.last = next;
    if (signature === inc.signature) return [];
    inc.signature = signature;
    next.revision = ++inc.revision;
    return [next];
  }

  /** The incident as its alerts and the evidence show it now; null while a more specific cause waits for its evidence (patterns.ts). */
  #evaluate(inc: OpenIncident, now: number, catalog: CatalogSnapshot): Incident | null {
    const states = [...inc.alertKeys].map((k) => this.#alerts.get(k)!).sort((a, b) => a.firstTs - b.firstTs || a.key.localeCompare(b.key));
    const active = states.filter((s) => s.active);
    if (active.length > 0) inc.severity = active.some((s) => s.level === 'red') ? 'red' : 'yellow';
    const lead = (service: string): AlertState => leadAlert(states.filter((s) => s.service === service));
    const serviceFacts = [...inc.serviceFirst].map(([service, firstTs]) => ({ service, firstTs, metric: lead(service).metric }));
    const ranked = rankCandidates(serviceFacts, catalog.topology, this.#features, this.#config.rootTieS);
    const root = ranked[0];
    const facts: AlertFact[] = states.map((s) => ({ service: s.service, metric: s.metric, firstTs: s.firstTs, rule: s.rule }));
    const match = classify({ services: ranked.map((c) => c.service), alerts: facts, root: root.service, now }, this.#features, catalog.topology, catalog.services, this.#config);
    if (match.pending) return null;
    // the pattern keeps the most specific cause seen (an attack stays the diagnosis once it is
    // blocked); the hypotheses are the evidence now: a cause that began later (a node degrading
    // under the attack) shows there, for the orchestrator to answer next
    if (!inc.best || match.rank < inc.best.rank) inc.best = match;
    inc.hypotheses = match.hypotheses;
    const pattern = inc.best.pattern;
    // the evidence may point past the ranked root: the entry an attack floods, the database holding the locks
    const rootService = inc.best.at ?? root.service;
    const rootMetric = (states.some((s) => s.service === rootService) ? lead(rootService) : lead(root.service)).metric;
    return {
      id: inc.id, service: rootService, status: 'open', services: ranked.map((c) => c.service), alertIds: [...inc.alertIds],
      metrics: [...new Set(states.map((s) => `${s.service}.${s.metric}`))].sort(),
      rootCause: { service: rootService, metric: rootMetric, reason: reasonFor(root, ranked.length, inc.best.evidence) },
      candidates: ranked.slice(0, 5).map((c) => ({ service: c.service, score: c.score })),
      pattern, hypotheses: inc.hypotheses, severity: inc.severity,
      score: round(Math.min(1, (inc.severity === 'red' ? 0.7 : 0.4) + 0.1 * (ranked.length - 1) + (pattern === 'single' ? 0 : 0.1))),
      confidence: round(confidenceOf(ranked, pattern)),
      openedAt: inc.openedAt, revision: inc.revision, ts: now,
    };
  }
}

/** The causes that hold and are located at a service (cause@service): a new one is news. */
function located(hypotheses: Incident['hypotheses']): string[] {
  return (hypotheses ?? []).filter((h) => h.holds && h.at).map((h) => `${h.cause}@${h.at}`).sort();
}

function reasonFor(root: Candidate, n: number, evidence: string): string {
  const position = n === 1 ? 'only alerting service'
    : root.dependents > 0 ? `first to alert, most upstream of ${n} alerting services (${root.dependents} depend on it)` : `earliest of ${n} alerting services`;
  return `${position}; ${evidence}`;
}

/** Metrics that say more about a cause than a caller's latency does, most telling first. */
const SPECIFIC = ['db_pool_usage', 'db_latency_ms', 'error_rate', 'memory', 'cpu', 'queue_depth'];
const specificity = (metric: string): number => {
  const i = SPECIFIC.indexOf(metric);
  return i < 0 ? SPECIFIC.length : i;
};

/** The alert a service leads with: red before yellow, then the earliest, then the most specific metric. */
function leadAlert(own: AlertState[]): AlertState {
  return [...own].sort((a, b) => Number(b.level === 'red') - Number(a.level === 'red') || a.firstTs - b.firstTs
    || specificity(a.metric) - specificity(b.metric) || a.key.localeCompare(b.key))[0];
}

/** A yellow alert (a warning, threshold or statistical) on latency or error rate whose value is within the service's SLO. */
function withinSlo(a: Alert, info: ServiceInfo | undefined): boolean {
  if (a.level !== 'yellow') return false;
  const slo = a.metric === 'latency_ms' ? info?.sloLatencyMs : a.metric === 'error_rate' ? info?.sloErrorRate : undefined;
  return slo !== undefined && a.value <= slo;
}

/** Root-cause certainty (margin over the runner-up) blended with how specific the pattern is. */
function confidenceOf(ranked: readonly Candidate[], pattern: IncidentPattern): number {
  const [first, second] = ranked;
  const rootConfidence = second === undefined ? 0.9 : 0.5 + 0.5 * Math.max(0, first.score - second.score) / Math.max(first.score, 1e-9);
  const patternConfidence = pattern === 'single' ? 0.5 : pattern === 'cascade' ? 0.8 : 0.85;
  return Math.min(1, Math.max(0, 0.6 * rootConfidence + 0.4 * patternConfidence));
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
