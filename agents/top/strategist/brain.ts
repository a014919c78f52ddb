import type { AggWindow, CatalogEntry, Forecast, Impact, Incident } from '../../../runtime/contracts/index.js';
import { badShare, maxCriticality, priorityOf, raise, revenuePerMin, type PriorityThresholds, type ServiceLoad } from './impact.js';

/** Strategist settings (the agent's config schema mirrors this). */
export interface StrategistConfig extends PriorityThresholds {
  /** Availability objective; the sustainable bad fraction is 1 - sloTarget (default 0.999). */
  sloTarget: number;
  /** Cost of one instance for one minute (default 0.05). */
  instanceMinuteCost: number;
  /** A scale-out adds this share of the root service's instances, at least one (default 0.5). */
  extraInstanceShare: number;
  /** Breach cost of one affected user for one minute, beside lost revenue (default 0.001). */
  userMinuteCost: number;
  /** Relative change of revenue, users or burn worth a new impact (default 0.2). */
  changeFrac: number;
  /** Forecasts older than this are ignored, seconds (default 900). */
  forecastMaxAgeS: number;
}

/** The documented defaults (99.9 % objective = 43 min 28 s of budget a month; 0.05 per instance-minute). */
export const DEFAULT_STRATEGIST_CONFIG: StrategistConfig = {
  sloTarget: 0.999, instanceMinuteCost: 0.05, extraInstanceShare: 0.5, userMinuteCost: 0.001, changeFrac: 0.2,
  forecastMaxAgeS: 900, majorUsersShare: 0.2, minorUsersShare: 0.05, massUsersShare: 0.5,
};

/** The catalogue as the strategist sees it. */
export interface Catalog { get(service: string): CatalogEntry | undefined; all(): CatalogEntry[] }

const EXTERNAL_TIERS = new Set(['external', 'partner']);

/**
 * The strategist's brain: for every open incident, the business view: priority P1-P4,
 * users affected, revenue at risk per minute (billable services hit, directly or through
 * their dependencies), error-budget burn and whether an intervention is worth its cost.
 * Pure: windows, forecasts, incidents, the catalogue and event time come in.
 */
export class Strategist {
  #config: StrategistConfig;
  readonly #load = new Map<string, ServiceLoad>();
  readonly #forecasts = new Map<string, Map<string, Forecast>>();
  readonly #open = new Map<string, { incident: Incident; last: Impact | null }>();
  #emitted = 0;

  constructor(config: Partial<StrategistConfig> = {}) {
    this.#config = { ...DEFAULT_STRATEGIST_CONFIG, ...config };
  }

  /** An incident opened or changed: always answers with its impact; a resolved one is forgotten. */
  incident(inc: Incident, catalog: Catalog): Impact[] {
    if (inc.status === 'resolved') { this.#open.delete(inc.id); return []; }
    const entry = this.#open.get(inc.id) ?? { incident: inc, last: null };
    if (inc.revision < entry.incident.revision) return []; // an older update come late: the newer one was assessed
    entry.incident = inc;
    this.#open.set(inc.id, entry);
    return [this.#remember(entry, this.assess(inc, inc.ts, catalog))];
  }

  /** A window of a service: re-assesses the incidents it is part of, answers material changes. */
  window(w: AggWindow, catalog: Catalog): Impact[] {
    const m = w.metrics;
    this.#load.set(w.service, {
      rps: m.rps?.mean ?? null, errorRate: m.error_rate ?? null, successRate: m.success_rate ?? null,
      latency: m.latency_ms ?? null, instances: w.instances,
    });
    return this.#reassess(w.service, w.end, catalog);
  }

  /** A forecast: kept (latest per metric); a saturation within the horizon may raise a priority. */
  forecast(f: Forecast, catalog: Catalog): Impact[] {
    let byMetric = this.#forecasts.get(f.service);
    if (!byMetric) { byMetric = new Map(); this.#forecasts.set(f.service, byMetric); }
    byMetric.set(f.metric, f);
    return this.#reassess(f.service, f.ts, catalog);
  }

  /** The impact of an incident at `now` from the latest windows and forecasts. */
  assess(inc: Incident, now: number, catalog: Catalog): Impact {
    const c = this.#config;
    const ours = inc.services.filter((s) => !EXTERNAL_TIERS.has(catalog.get(s)?.tier ?? ''));
    const share = new Map(ours.map((s) => [s, badShare(this.#load.get(s), catalog.get(s))]));
    let usersAffected = 0;
    let usersShare = 0;
    let criticality = catalog.get(inc.service)?.criticality ?? 'medium';
    for (const s of ours) {
      const e = catalog.get(s);
      usersAffected = Math.max(usersAffected, (e?.users ?? 0) * share.get(s)!);
      usersShare = Math.max(usersShare, share.get(s)!);
      criticality = maxCriticality(criticality, e?.criticality ?? 'medium');
    }
    let revenue = 0;
    for (const b of catalog.all().filter((e) => e.billable && e.unitPrice > 0)) {
      const hitThrough = inc.services.filter((s) => s === b.service || dependsOn(b.service, s, catalog));
      if (hitThrough.length === 0) continue;
      const bShare = Math.max(badShare(this.#load.get(b.service), b), ...hitThrough.map((s) => share.get(s) ?? 0));
      const atRisk = revenuePerMin(this.#load.get(b.service)?.rps ?? 0, b.unitPrice, bShare);
      if (atRisk > 0) { revenue += atRisk; criticality = maxCriticality(criticality, b.criticality); }
    }
    let priority = priorityOf(criticality, revenue, usersShare, c);
    if (ours.some((s) => this.#saturatingSoon(s, now))) priority = raise(priority);
    const instances = this.#load.get(inc.service)?.instances ?? 1;
    const scalingCost = Math.max(1, Math.ceil(instances * c.extraInstanceShare)) * c.instanceMinuteCost;
    const breachCost = revenue + usersAffected * c.userMinuteCost;
    return {
      incidentId: inc.id, service: inc.service, priority,
      usersAffected: Math.round(usersAffected), revenueAtRiskPerMin: round(revenue),
      errorBudgetBurn: round(usersShare / Math.max(1e-9, 1 - c.sloTarget)),
      interventionWorthIt: breachCost > scalingCost, ts: now,
    };
  }

  reconfigure(config: Partial<StrategistConfig>): void {
    this.#config = { ...this.#config, ...config };
  }

  /** Forgets windows, forecasts and incidents (a new simulated run). */
  reset(): void {
    this.#load.clear();
    this.#forecasts.clear();
    this.#open.clear();
    this.#emitted = 0;
  }

  /** Open incidents with their last impact, for `vigil inspect`. */
  state(): unknown {
    return {
      config: this.#config, emitted: this.#emitted,
      open: [...this.#open.values()].map((e) => ({ incidentId: e.incident.id, pattern: e.incident.pattern, services: e.incident.services, impact: e.last })),
    };
  }

  #reassess(service: string, now: number, catalog: Catalog): Impact[] {
    const out: Impact[] = [];
    for (const entry of this.#open.values()) {
      const inc = entry.incident;
      const concerned = inc.services.includes(service)
        || (catalog.get(service)?.billable === true && inc.services.some((s) => dependsOn(service, s, catalog)));
      if (!concerned) continue;
      const next = this.assess(inc, Math.max(now, entry.last?.ts ?? 0), catalog);
      if (!entry.last || this.#material(entry.last, next)) out.push(this.#remember(entry, next));
    }
    return out;
  }

  #remember(entry: { last: Impact | null }, impact: Impact): Impact {
    entry.last = impact;
    this.#emitted++;
    return impact;
  }

  #material(prev: Impact, next: Impact): boolean {
    const moved = (a: number, b: number): boolean => Math.abs(a - b) > this.#config.changeFrac * Math.max(Math.abs(a), 1e-6) && Math.abs(a - b) > 0.01;
    return prev.priority !== next.priority || prev.interventionWorthIt !== next.interventionWorthIt
      || prev.service !== next.service || moved(prev.revenueAtRiskPerMin, next.revenueAtRiskPerMin)
      || moved(prev.usersAffected, next.usersAffected) || moved(prev.errorBudgetBurn, next.errorBudgetBurn);
  }

  #saturatingSoon(service: string, now: number): boolean {
    for (const f of this.#forecasts.get(service)?.values() ?? []) {
      if (now - f.ts > this.#config.forecastMaxAgeS * 1000) continue;
      if (f.timeToSaturationS !== null && f.timeToSaturationS <= f.horizonS && f.confidence >= 0.5) return true;
    }
    return false;
  }
}

/** True when `service` depends on `dep`, directly or transitively (cycle-safe). */
function dependsOn(service: string, dep: string, catalog: Catalog): boolean {
  const seen = new Set<string>([service]);
  const stack = [...(catalog.get(service)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === dep) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(catalog.get(next)?.dependsOn ?? []));
  }
  return false;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
