import type { Action, ActionResult, AlertRecord, Impact, Incident, Priority } from '../../../runtime/contracts/index.js';
import { availability, Downtime, mtbfS, mttrS } from './kpis.js';

/** Analyst settings (the agent's config schema mirrors this). */
export interface AnalystConfig {
  /** The correlator's quiet period: an incident was repaired this long before it resolved, seconds (default 180). */
  resolutionLagS: number;
  /** A repair within this many seconds with no action looks like a false positive (default 60: one window). */
  shortWindowS: number;
  /** Incidents open longer than this were escalated beyond N0 (automatic), seconds (default 900: N1). */
  escalateAfterS: number;
  /** False positives of one series before a threshold change is recommended (default 2). */
  minFalsePositives: number;
  /** Suggested threshold multiplier for a noisy series (default 1.1: +10 %). */
  raiseFactor: number;
  /** Resolved incidents kept in state (default 50). */
  keepResolved: number;
}

/** The documented defaults (the agent's config schema uses the same values). */
export const DEFAULT_ANALYST_CONFIG: AnalystConfig = {
  resolutionLagS: 180, shortWindowS: 60, escalateAfterS: 900, minFalsePositives: 2, raiseFactor: 1.1, keepResolved: 50,
};

interface IncidentRecord {
  id: string; service: string; services: Set<string>; pattern: string; metrics: Set<string>;
  openedAt: number; resolvedAt: number | null; repairS: number | null;
  actions: number; applied: number; failed: number; rollbacks: number; automated: boolean;
  priority: Priority | null; revenueRatePerMin: number; revenueLost: number; lastImpactTs: number;
  /** the newest update revision seen (absent in older state): the service and pattern are the newest's */
  revision?: number;
}

function emptyHistory() {
  return {
    from: -1,
    now: 0,
    open: new Map<string, IncidentRecord>(),
    resolved: [] as IncidentRecord[],
    down: new Map<string, Downtime>(),
    fleet: new Downtime(),
    repairs: new Map<string, { totalMs: number; count: number }>(),
    actionIncident: new Map<string, string>(),
    signatures: new Map<string, Signature>(),
    series: new Map<string, SeriesNoise>(),
    /** alert ids operators marked false positive (each counts once) */
    marked: new Set<string>(),
    totals: { opened: 0, resolved: 0, automated: 0, repairMs: 0, revenueLost: 0, unlinkedActions: 0 },
    priorities: { P1: 0, P2: 0, P3: 0, P4: 0 } as Record<Priority, number>,
  };
}

interface Signature { service: string; pattern: string; count: number; firstAt: number; lastAt: number }

/** How noisy one series (`service.metric`) has been: incidents that looked false, alerts operators marked false. */
interface SeriesNoise { falsePositives: number; incidents: number; marked: number }

/**
 * The analyst's brain: long-term KPIs from the incident, impact and action streams: MTTR,
 * MTBF and availability per service, the automated-resolution rate, recurring incident
 * signatures, revenue lost and threshold-tuning recommendations. Pure; its output is its state.
 */
export class Analyst {
  #config: AnalystConfig;
  #s = emptyHistory();

  constructor(config: Partial<AnalystConfig> = {}) {
    this.#config = { ...DEFAULT_ANALYST_CONFIG, ...config };
  }

  /** An incident opened, changed or resolved (event time from the message). */
  incident(inc: Incident): void {
    this.#see(inc.openedAt);
    let r = this.#s.open.get(inc.id);
    if (!r) {
      if (this.#s.resolved.some((x) => x.id === inc.id)) return; // a repeat of a resolution
      r = this.#record(inc);
    }
    for (const s of inc.services) {
      if (!r.services.has(s)) { r.services.add(s); this.#downtime(s).down(Math.max(inc.openedAt, Math.min(inc.ts, this.#s.now))); }
    }
    for (const m of inc.metrics) r.metrics.add(m);
    if (inc.revision > (r.revision ?? 0)) Object.assign(r, { service: inc.service, pattern: inc.pattern, revision: inc.revision });
    this.#see(inc.ts);
    if (inc.status === 'resolved') this.#resolve(r, inc.ts);
  }

  /** An impact: the latest priority and revenue rate of its incident, integrated over time. */
  impact(i: Impact): void {
    this.#see(i.ts);
    const r = this.#s.open.get(i.incidentId);
    if (!r) return;
    this.#accrue(r, i.ts);
    if (r.priority === null) this.#s.priorities[i.priority]++;
    r.priority = i.priority;
    r.revenueRatePerMin = i.revenueAtRiskPerMin;
  }

  /** An action: linked to the open incident named in its runId, else the latest one on its service. */
  action(a: Action): void {
    this.#see(a.ts);
    const open = [...this.#s.open.values()];
    const r = open.find((x) => a.runId.includes(x.id))
      ?? open.filter((x) => x.services.has(a.service)).sort((x, y) => y.openedAt - x.openedAt)[0];
    if (!r) { this.#s.totals.unlinkedActions++; return; }
    if (this.#s.actionIncident.has(a.actionId)) return;
    this.#s.actionIncident.set(a.actionId, r.id);
    r.actions++;
    if (a.compensates) r.rollbacks++;
  }

  /** What the actuator did with an action of a tracked incident. */
  actionResult(res: ActionResult): void {
    this.#see(res.ts);
    const r = this.#s.open.get(this.#s.actionIncident.get(res.actionId) ?? '');
    if (!r) return;
    if (res.status === 'applied') r.applied++;
    else if (res.status === 'failed') r.failed++;
  }

  /**
   * An alert changed status in its lifecycle (the aggregator's vigil.alertstate): one an
   * operator marked false positive counts against its series' threshold.
   */
  alertState(r: AlertRecord): void {
    if (r.status !== 'false_positive' || this.#s.marked.has(r.id)) return;
    this.#s.marked.add(r.id);
    const key = `${r.service}.${r.metric}`;
    const s = this.#s.series.get(key) ?? { falsePositives: 0, incidents: 0, marked: 0 };
    this.#s.series.set(key, { ...s, marked: s.marked + 1 });
  }

  /** Event time moved (availability counts open incidents up to now). */
  advance(now: number): void { this.#see(now); }

  reconfigure(config: Partial<AnalystConfig>): void { this.#config = { ...this.#config, ...config }; }

  /** Forgets all history; observation starts at `startTs` (a new simulated run). */
  reset(startTs: number): void {
    this.#s = emptyHistory();
    this.#s.from = startTs;
    this.#s.now = startTs;
  }

  /** The KPIs (the analyst's output, read through `vigil inspect analyst`). */
  state(): AnalystReport {
    const observedMs = this.#s.from < 0 ? 0 : this.#s.now - this.#s.from;
    const services: AnalystReport['services'] = {};
    for (const [s, d] of [...this.#s.down.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const rep = this.#s.repairs.get(s);
      const downMs = d.totalMs(this.#s.now);
      services[s] = {
        incidents: d.failures, downtimeS: Math.round(downMs / 1000), availability: availability(observedMs, downMs),
        mttrS: rep ? mttrS(rep.totalMs, rep.count) : null, mtbfS: mtbfS(observedMs, downMs, d.failures),
      };
    }
    const t = this.#s.totals;
    const fleetDown = this.#s.fleet.totalMs(this.#s.now);
    return {
      from: this.#s.from < 0 ? null : this.#s.from, to: this.#s.now, observedS: Math.round(observedMs / 1000),
      incidents: { opened: t.opened, resolved: t.resolved, open: this.#s.open.size, byPriority: { ...this.#s.priorities } },
      mttrS: mttrS(t.repairMs, t.resolved), mtbfS: mtbfS(observedMs, fleetDown, t.opened),
      availability: availability(observedMs, fleetDown),
      automatedResolutionRate: t.resolved > 0 ? Math.round((t.automated / t.resolved) * 1000) / 1000 : null,
      revenueLost: Math.round(t.revenueLost * 100) / 100, unlinkedActions: t.unlinkedActions,
      services,
      signatures: [...this.#s.signatures.values()].sort((a, b) => b.count - a.count || a.service.localeCompare(b.service) || a.pattern.localeCompare(b.pattern))
        .slice(0, 20).map((s) => ({ ...s, recurring: s.count >= 2 })),
      recommendations: this.#recommendations(),
      recent: this.#s.resolved.slice(-20).map((r) => ({
        id: r.id, service: r.service, pattern: r.pattern, openedAt: r.openedAt, resolvedAt: r.resolvedAt, repairS: r.repairS,
        actions: r.actions, automated: r.automated, priority: r.priority,
      })),
    };
  }

  #see(ts: number): void {
    if (this.#s.from < 0) this.#s.from = ts;
    this.#s.now = Math.max(this.#s.now, ts);
  }

  #downtime(service: string): Downtime {
    let d = this.#s.down.get(service);
    if (!d) { d = new Downtime(); this.#s.down.set(service, d); }
    return d;
  }

  #record(inc: Incident): IncidentRecord {
    const r: IncidentRecord = {
      id: inc.id, service: inc.service, services: new Set(), pattern: inc.pattern, metrics: new Set(),
      openedAt: inc.openedAt, resolvedAt: null, repairS: null, actions: 0, applied: 0, failed: 0, rollbacks: 0,
      automated: false, priority: null, revenueRatePerMin: 0, revenueLost: 0, lastImpactTs: inc.openedAt,
    };
    this.#s.open.set(inc.id, r);
    this.#s.fleet.down(inc.openedAt);
    this.#s.totals.opened++;
    return r;
  }

  #accrue(r: IncidentRecord, ts: number): void {
    const gained = (r.revenueRatePerMin * Math.max(0, ts - r.lastImpactTs)) / 60_000;
    r.revenueLost += gained;
    this.#s.totals.revenueLost += gained;
    r.lastImpactTs = Math.max(r.lastImpactTs, ts);
  }

  #resolve(r: IncidentRecord, ts: number): void {
    const c = this.#config;
    const repairedAt = Math.max(r.openedAt, ts - c.resolutionLagS * 1000);
    this.#accrue(r, repairedAt);
    r.resolvedAt = ts;
    r.repairS = (repairedAt - r.openedAt) / 1000;
    r.automated = r.applied > 0 && r.rollbacks === 0 && r.failed === 0 && r.repairS <= c.escalateAfterS;
    for (const s of r.services) this.#downtime(s).up(repairedAt);
    this.#s.fleet.up(repairedAt);
    const rep = this.#s.repairs.get(r.service) ?? { totalMs: 0, count: 0 };
    this.#s.repairs.set(r.service, { totalMs: rep.totalMs + repairedAt - r.openedAt, count: rep.count + 1 });
    Object.assign(this.#s.totals, {
      resolved: this.#s.totals.resolved + 1, repairMs: this.#s.totals.repairMs + repairedAt - r.openedAt,
      automated: this.#s.totals.automated + (r.automated ? 1 : 0),
    });
    const key = `${r.service}|${r.pattern}`;
    const sig = this.#s.signatures.get(key) ?? { service: r.service, pattern: r.pattern, count: 0, firstAt: r.openedAt, lastAt: r.openedAt };
    this.#s.signatures.set(key, { ...sig, count: sig.count + 1, lastAt: r.openedAt });
    const falsePositive = r.actions === 0 && r.repairS <= c.shortWindowS;
    for (const m of r.metrics) {
      const s = this.#s.series.get(m) ?? { falsePositives: 0, incidents: 0, marked: 0 };
      this.#s.series.set(m, { ...s, falsePositives: s.falsePositives + (falsePositive ? 1 : 0), incidents: s.incidents + 1 });
    }
    for (const [actionId, incidentId] of this.#s.actionIncident) if (incidentId === r.id) this.#s.actionIncident.delete(actionId);
    this.#s.open.delete(r.id);
    this.#s.resolved = [...this.#s.resolved, r].slice(-c.keepResolved);
  }

  #recommendations(): AnalystReport['recommendations'] {
    const c = this.#config;
    return [...this.#s.series.entries()]
      .filter(([, s]) => (s.falsePositives >= c.minFalsePositives && s.falsePositives / s.incidents >= 0.5) || s.marked >= c.minFalsePositives)
      .sort(([a, x], [b, y]) => y.falsePositives + y.marked - x.falsePositives - x.marked || a.localeCompare(b))
      .map(([series, s]) => {
        const dot = series.indexOf('.');
        const service = series.slice(0, dot);
        const metric = series.slice(dot + 1);
        const why = [
          s.falsePositives > 0 ? `${s.falsePositives} of ${s.incidents} incidents cleared within ${c.shortWindowS} s with no action` : '',
          s.marked > 0 ? `${s.marked} alerts marked false positive by operators` : '',
        ].filter(Boolean).join('; ');
        return {
          service, metric, falsePositives: s.falsePositives, incidents: s.incidents, markedFalsePositives: s.marked, raiseFactor: c.raiseFactor,
          suggestion: `raise the ${metric} threshold of ${service} by ${Math.round((c.raiseFactor - 1) * 100)} % (or lower its sensitivity): ${why}`,
        };
      });
  }
}

/** What `vigil inspect analyst` shows. Times are event time (ms) unless the name says S. */
export interface AnalystReport {
  from: number | null; to: number; observedS: number;
  incidents: { opened: number; resolved: number; open: number; byPriority: Record<Priority, number> };
  mttrS: number | null; mtbfS: number | null; availability: number; automatedResolutionRate: number | null;
  revenueLost: number; unlinkedActions: number;
  services: Record<string, { incidents: number; downtimeS: number; availability: number; mttrS: number | null; mtbfS: number | null }>;
  signatures: Array<Signature & { recurring: boolean }>;
  recommendations: Array<{ service: string; metric: string; falsePositives: number; incidents: number; markedFalsePositives: number; raiseFactor: number; suggestion: string }>;
  recent: Array<{ id: string; service: string; pattern: string; openedAt: number; resolvedAt: number | null; repairS: number | null; actions: number; automated: boolean; priority: Priority | null }>;
}
