import type { Alert, AuditEvent, Priority } from '../../runtime/contracts/index.js';
import { STALE_AFTER_MS } from '../../runtime/nats/registry.js';
import { seriesKey, type LiveState, type ServiceTrack } from './live-state.js';
import { availabilityPct, MONTHLY_BUDGET_MIN, SLO_TARGET } from './slo.js';

const round = (x: number | null | undefined, d = 1): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const SCALING = new Set(['scale-out', 'scale-in', 'scale-up', 'scale-down', 'scale-workers']);
/** Alerts of the last few windows still count as active when no incident holds them. */
const RECENT_ALERT_MS = 120_000;

export type Colour = 'green' | 'orange' | 'red' | 'grey';

/** The status colour of a service: red on a red alert or a broken SLO, orange on a yellow alert. */
export function serviceColour(state: LiveState, service: string, track: ServiceTrack): Colour {
  if (!track.last) return 'grey';
  const levels = activeAlerts(state).filter((a) => a.service === service).map((a) => a.level);
  const confirmed = track.last.confirmedAlerts.map((a) => a.level);
  const violates = track.history.at(-1)?.violates ?? false;
  if (violates || levels.includes('red') || confirmed.includes('red')) return 'red';
  if (levels.includes('yellow') || confirmed.includes('yellow')) return 'orange';
  return 'green';
}

/** Alerts not cleared: those of open incidents, and recent ones not yet grouped. */
export function activeAlerts(state: LiveState): Alert[] {
  const held = new Set(state.openIncidents().flatMap((i) => i.alertIds));
  return [...state.alerts.values()].filter((a) => a.level !== 'clear' && (held.has(a.id) || a.ts >= state.now - RECENT_ALERT_MS));
}

/** The page's whole live picture (raw series excepted: `serviceDetail` serves those). */
export function snapshot(state: LiveState, wallNow: number): Record<string, unknown> {
  return {
    run: state.run, now: state.now, wallNow, version: state.version,
    executive: executive(state),
    services: services(state),
    incidents: incidents(state),
    alertLifecycle: alertLifecycle(state),
    approvals: [...state.approvals.values()].sort((a, b) => a.deadline.localeCompare(b.deadline)),
    scaling: state.actions.filter((r) => SCALING.has(r.action.type)).slice(-20).reverse().map(actionView),
    actions: state.actions.slice(-30).reverse().map(actionView),
    forecasts: [...state.forecasts.values()]
      .sort((a, b) => (a.timeToSaturationS ?? Infinity) - (b.timeToSaturationS ?? Infinity) || a.service.localeCompare(b.service))
      .map((f) => ({ service: f.service, metric: f.metric, method: f.method, current: round(f.current), predicted: round(f.predicted), horizonS: f.horizonS, saturation: f.saturation, timeToSaturationS: round(f.timeToSaturationS, 0), confidence: round(f.confidence, 2) })),
    agents: agents(state, wallNow),
    rejected: state.rejected,
  };
}

function executive(state: LiveState): Record<string, unknown> {
  let good = 0;
  let total = 0;
  let worst: { service: string; min: number } | null = null;
  for (const [service, t] of state.services) {
    good += t.good;
    total += t.total;
    const min = violationMinutes(t);
    if (t.total > 0 && (!worst || min > worst.min)) worst = { service, min };
  }
  const byPriority: Record<Priority, { open: number; total: number }> = { P1: { open: 0, total: 0 }, P2: { open: 0, total: 0 }, P3: { open: 0, total: 0 }, P4: { open: 0, total: 0 } };
  let users = 0;
  for (const [id, t] of state.impacts) {
    const p = byPriority[t.latest.priority];
    p.total++;
    if (state.incidents.get(id)?.status === 'open') { p.open++; users += t.latest.usersAffected; }
  }
  const trend = [...state.trend.values()].sort((a, b) => a.t - b.t);
  return {
    availability: availabilityPct(good, total), sloTarget: SLO_TARGET * 100,
    budgetMin: round(MONTHLY_BUDGET_MIN, 1), budgetLeftMin: round(MONTHLY_BUDGET_MIN - (worst?.min ?? 0), 1), worstService: worst?.service ?? null,
    revenueAtRiskPerMin: round(state.riskPerMin(), 2), revenueLost: round(state.revenueLost(), 2), usersAffected: users,
    openIncidents: state.openIncidents().length, incidentsTotal: state.incidents.size, byPriority,
    trend: {
      t: trend.map((p) => p.t / 1000),
      availability: trend.map((p) => availabilityPct(p.good, p.total)),
      risk: trend.map((p) => round(p.riskPerMin, 2)),
      open: trend.map((p) => p.open),
      worstP99: trend.map((p) => round(p.worstP99)),
    },
  };
}

/** Alerts by lifecycle status, and the latest records (closed ones too) for the operational view. */
function alertLifecycle(state: LiveState): Record<string, unknown> {
  const records = [...state.alertRecords.values()];
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    counts,
    recent: records.sort((a, b) => b.ts - a.ts).slice(0, 15).map((r) => ({
      id: r.id, service: r.service, metric: r.metric, level: r.level, status: r.status, count: r.count,
      incidentId: r.incidentId, by: r.by, note: r.note, event: r.event, ts: r.ts,
    })),
  };
}

function violationMinutes(t: ServiceTrack): number {
  const windowMin = (t.last?.windowS ?? 60) / 60;
  return (t.total - t.good) * windowMin;
}

function services(state: LiveState): Record<string, unknown>[] {
  return [...state.services.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([service, t]) => {
    const m = t.last?.metrics ?? {};
    const entry = state.catalog.get(service);
    return {
      service, status: serviceColour(state, service, t), instances: t.last?.instances ?? null,
      cpu: round(m.cpu?.mean), memory: round(m.memory?.mean),
      p50: round(m.latency_ms?.p50), p90: round(m.latency_ms?.p90), p99: round(m.latency_ms?.p99),
      errorRate: round(m.error_rate?.mean, 2), rps: round(m.rps?.mean),
      availability: availabilityPct(t.good, t.total), sloViolationMin: round(violationMinutes(t)),
      criticality: entry?.criticality ?? null, billable: entry?.billable ?? false, windowEnd: t.last?.end ?? null,
    };
  });
}

function incidents(state: LiveState): Record<string, unknown>[] {
  const all = [...state.incidents.values()].sort((a, b) => (a.status === b.status ? b.openedAt - a.openedAt : a.status === 'open' ? -1 : 1));
  return all.slice(0, 30).map((i) => {
    const impact = state.impacts.get(i.id);
    const mine = state.actions.filter((r) => r.action.runId.includes(i.id) || (i.services.includes(r.action.service) && r.action.ts >= i.openedAt && r.action.ts <= i.ts + 60_000));
    const current = mine.at(-1);
    return {
      id: i.id, service: i.service, status: i.status, pattern: i.pattern, severity: i.severity, services: i.services,
      rootCause: i.rootCause, openedAt: i.openedAt, ts: i.ts, confidence: round(i.confidence, 2),
      priority: impact?.latest.priority ?? null, revenueAtRiskPerMin: round(impact?.latest.revenueAtRiskPerMin, 2),
      usersAffected: impact?.latest.usersAffected ?? null, revenueLost: round(impact?.lost, 2),
      level: state.escalation.get(i.id)?.level ?? null, escalatedTo: state.escalation.get(i.id)?.who ?? null,
      alerts: i.alertIds.map((id) => state.alertsById.get(id)).filter((a): a is Alert => a !== undefined)
        .map((a) => ({ id: a.id, status: state.alertRecords.get(a.id)?.status ?? null, metric: a.metric, level: state.alerts.get(seriesKey(a))?.level === 'clear' ? 'clear' : a.level, value: round(a.value, 2), threshold: round(a.threshold, 2), rule: a.rule, instance: a.instance, since: a.since })),
      action: current ? actionView(current) : null,
    };
  });
}

function actionView(r: LiveState['actions'][number]): Record<string, unknown> {
  const a = r.action;
  return {
    actionId: a.actionId, type: a.type, service: a.service, ts: a.ts, reason: a.reason, dryRun: a.dryRun,
    rollback: a.compensates !== undefined, params: a.params,
    status: r.result?.status ?? 'in progress', detail: r.result?.detail ?? null,
  };
}

function agents(state: LiveState, wallNow: number): Record<string, unknown>[] {
  return [...state.agents.values()].sort((a, b) => a.hb.agentId.localeCompare(b.hb.agentId, 'en', { numeric: true })).map((t) => {
    const age = wallNow - t.hb.wallTs;
    return {
      agentId: t.hb.agentId, kind: t.hb.kind, tier: t.hb.tier, pid: t.hb.pid,
      status: age > STALE_AFTER_MS ? 'down' : t.hb.status, heartbeatAgeMs: Math.max(0, age),
      lagMs: Math.round(t.hb.lagMs), eventTs: t.hb.eventTs, inRate: round(t.inRate), outRate: round(t.outRate),
      dlq: t.hb.counters.dlq ?? 0, dlqStored: state.dlqStored.get(t.hb.agentId) ?? 0, errors: t.hb.counters.errors ?? 0,
      messagesIn: t.hb.counters.in ?? 0, messagesOut: t.hb.counters.out ?? 0,
    };
  });
}

/** One service's charts: its windows, raw readings, alerts and actions (for the drill-down). */
export function serviceDetail(state: LiveState, service: string): Record<string, unknown> | null {
  const t = state.services.get(service);
  if (!t) return null;
  const raw: Record<string, { t: number[]; v: number[] }> = {};
  for (const [metric, s] of [...t.raw.entries()].sort(([a], [b]) => a.localeCompare(b))) raw[metric] = { t: s.t.map((x) => x / 1000), v: s.v.map((v) => round(v, 3) ?? 0) };
  return {
    service, catalog: state.catalog.get(service) ?? null,
    windows: {
      t: t.history.map((p) => p.t / 1000),
      cpu: t.history.map((p) => round(p.cpu)), memory: t.history.map((p) => round(p.memory)),
      p50: t.history.map((p) => round(p.p50)), p90: t.history.map((p) => round(p.p90)), p99: t.history.map((p) => round(p.p99)),
      errorRate: t.history.map((p) => round(p.errorRate, 2)), rps: t.history.map((p) => round(p.rps)), instances: t.history.map((p) => p.instances),
    },
    raw,
    alerts: [...state.alertsById.values()].filter((a) => a.service === service).map((a) => ({ t: a.ts / 1000, since: a.since / 1000, metric: a.metric, level: a.level })),
    actions: state.actions.filter((r) => r.action.service === service).map((r) => ({ t: r.action.ts / 1000, type: r.action.type, status: r.result?.status ?? 'in progress' })),
  };
}

/** An incident's page: the incident, its impact and escalation, and its timeline from the audit stream. */
export function incidentDetail(state: LiveState, id: string): Record<string, unknown> | null {
  const view = incidents(state).find((i) => i.id === id) ?? null;
  const inc = state.incidents.get(id);
  if (!inc || !view) return null;
  const from = inc.openedAt - 5 * 60_000;
  const to = (inc.status === 'resolved' ? inc.ts : state.now) + 5 * 60_000;
  const related = (e: AuditEvent): boolean => e.incidentId === id || (e.incidentId === undefined && e.service !== undefined && inc.services.includes(e.service) && e.ts >= from && e.ts <= to && e.from !== e.to);
  const timeline = state.audit.filter(related).map((e) => ({ ts: e.ts, source: 'audit', machine: e.machine, runId: e.runId, from: e.from, to: e.to, event: e.event, detail: e.detail ?? null }));
  for (const a of inc.alertIds.map((x) => state.alertsById.get(x)).filter((x): x is Alert => x !== undefined)) {
    timeline.push({ ts: a.ts, source: 'alert', machine: 'detector', runId: a.id, from: '', to: a.level, event: `${a.metric} ${a.rule}`, detail: { value: a.value, threshold: a.threshold, explanation: a.explanation ?? '' } });
  }
  for (const r of state.actions.filter((x) => inc.services.includes(x.action.service) && x.action.ts >= from && x.action.ts <= to)) {
    timeline.push({ ts: r.action.ts, source: 'action', machine: 'actuator', runId: r.action.runId, from: '', to: r.result?.status ?? 'in progress', event: `${r.action.type} ${r.action.service}`, detail: { reason: r.action.reason, detail: r.result?.detail ?? '' } });
  }
  timeline.sort((a, b) => a.ts - b.ts);
  return { incident: { ...view, candidates: inc.candidates, metrics: inc.metrics, hypotheses: inc.hypotheses ?? [] }, timeline };
}
