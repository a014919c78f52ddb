import type {
  Action, ActionResult, AggWindow, Alert, AlertRecord, AuditEvent, CatalogEntry, CleanBatch, Forecast, Heartbeat, Impact, Incident,
} from '../../runtime/contracts/index.js';
import { windowViolates } from './slo.js';

/** Points kept per chart series (12 h of 1-minute windows, or 2 h of 10 s ticks). */
export const MAX_POINTS = 720;
const MAX_AUDIT = 5000;
const MAX_ACTIONS = 500;

/** One window of a service, flattened for charts. */
export interface ServicePoint {
  t: number; cpu: number | null; memory: number | null; p50: number | null; p90: number | null; p99: number | null;
  errorRate: number | null; rps: number | null; instances: number; violates: boolean;
}

/** What the dashboard knows about one service. */
export interface ServiceTrack {
  last: AggWindow | null;
  history: ServicePoint[];
  good: number;
  total: number;
  /** Raw readings (mean over instances per event time) per metric, from the filter's clean batches. */
  raw: Map<string, { t: number[]; v: number[]; n: number[] }>;
}

export interface ImpactTrack { latest: Impact; lost: number; lastTs: number; maxUsers: number }
export interface ActionRow { action: Action; result: ActionResult | null }
export interface AgentTrack { hb: Heartbeat; inRate: number; outRate: number; prev: Heartbeat | null }
/** An action waiting for a human (`vigil approve <id>` / `vigil deny <id>`), from the orchestrator's approval audit. */
export interface PendingApprovalRow { id: string; service: string; type: string; params: unknown; reason: string; deadline: string; incidentId: string | null; ts: number }
export interface TrendPoint { t: number; good: number; total: number; riskPerMin: number; open: number; worstP99: number }

/**
 * Everything the live dashboard shows, folded from NATS messages of the current run. Pure:
 * no NATS, no clock (wall time is passed in with heartbeats); the feed calls one method per
 * message and `beginRun` when the simulator starts a new run (event time starts again).
 */
export class LiveState {
  run: { runId: string; startTs: number } | null = null;
  now = 0;
  version = 0;
  catalog = new Map<string, CatalogEntry>();
  services = new Map<string, ServiceTrack>();
  /** The latest alert of each series (service, instance, metric, rule); level `clear` ends it. */
  alerts = new Map<string, Alert>();
  /** Every alert of the run by id (incidents name theirs). */
  alertsById = new Map<string, Alert>();
  incidents = new Map<string, Incident>();
  /** Each alert's lifecycle (seed 002 states) as its owner, the aggregator, publishes it. */
  alertRecords = new Map<string, AlertRecord>();
  impacts = new Map<string, ImpactTrack>();
  forecasts = new Map<string, Forecast>();
  actions: ActionRow[] = [];
  escalation = new Map<string, { level: string; who: string | null }>();
  /** Actions held for a human decision, by action id: added on pending-approval, removed on any verdict. */
  approvals = new Map<string, PendingApprovalRow>();
  audit: AuditEvent[] = [];
  agents = new Map<string, AgentTrack>();
  /** DLQ messages kept by the VIGIL_DLQ stream, per agent. */
  dlqStored = new Map<string, number>();
  trend = new Map<number, TrendPoint>();
  rejected = 0;

  /** A new simulated run: forget the findings of the previous one (agents and catalogue stay). */
  beginRun(runId: string, startTs: number): void {
    if (this.run?.runId === runId) return;
    this.run = { runId, startTs };
    this.now = startTs;
    for (const m of [this.services, this.alerts, this.alertsById, this.alertRecords, this.incidents, this.impacts, this.forecasts, this.escalation, this.approvals, this.trend]) m.clear();
    this.actions = [];
    this.audit = [];
    this.#touch(startTs);
  }

  setCatalog(entries: CatalogEntry[]): void {
    this.catalog = new Map(entries.map((e) => [e.service, e]));
    this.version++;
  }

  agg(w: AggWindow): void {
    const track = this.#service(w.service);
    const m = w.metrics;
    const violates = windowViolates(w, this.catalog.get(w.service));
    const point: ServicePoint = {
      t: w.end, cpu: m.cpu?.mean ?? null, memory: m.memory?.mean ?? null,
      p50: m.latency_ms?.p50 ?? null, p90: m.latency_ms?.p90 ?? null, p99: m.latency_ms?.p99 ?? null,
      errorRate: m.error_rate?.mean ?? null, rps: m.rps?.mean ?? null, instances: w.instances, violates,
    };
    if (track.last && w.end <= track.last.end) return; // a repeat or an older window
    track.last = w;
    push(track.history, point);
    track.total++;
    if (!violates) track.good++;
    const bucket = this.trend.get(w.end) ?? { t: w.end, good: 0, total: 0, riskPerMin: 0, open: 0, worstP99: 0 };
    bucket.total++;
    if (!violates) bucket.good++;
    bucket.riskPerMin = this.riskPerMin();
    bucket.open = this.openIncidents().length;
    bucket.worstP99 = Math.max(bucket.worstP99, point.p99 ?? 0);
    this.trend.set(w.end, bucket);
    if (this.trend.size > MAX_POINTS) this.trend.delete(Math.min(...this.trend.keys()));
    this.#touch(w.end);
  }

  clean(batch: CleanBatch): void {
    const tracks = batch.services.map((service) => this.#service(service));
    for (let k = 0; k < batch.value.length; k++) {
      const track = tracks[batch.service[k]];
      const metric = batch.metrics[batch.metric[k]];
      const ts = batch.ts[k];
      const value = batch.value[k];
      if (metric === undefined || !Number.isFinite(value)) continue;
      let series = track.raw.get(metric);
      if (!series) { series = { t: [], v: [], n: [] }; track.raw.set(metric, series); }
      const i = series.t.length - 1;
      if (i >= 0 && series.t[i] === ts) {
        series.n[i]++;
        series.v[i] += (value - series.v[i]) / series.n[i];
      } else if (i < 0 || ts > series.t[i]) {
        series.t.push(ts); series.v.push(value); series.n.push(1);
        if (series.t.length > MAX_POINTS) { series.t.shift(); series.v.shift(); series.n.shift(); }
      }
    }
    this.version++;
  }

  alert(a: Alert): void {
    this.alerts.set(seriesKey(a), a);
    this.alertsById.set(a.id, a);
    this.#touch(a.ts);
  }

  alertState(r: AlertRecord): void {
    if (this.run && r.run !== '' && r.run !== this.run.runId) return; // a late record of an earlier run
    this.alertRecords.set(r.id, r);
    this.#touch(r.ts);
  }

  incident(i: Incident): void {
    if ((this.incidents.get(i.id)?.revision ?? 0) > i.revision) return; // an older update come late
    const track = this.impacts.get(i.id);
    if (i.status === 'resolved' && track) {
      this.#accrue(track, i.ts);
      track.latest = { ...track.latest, revenueAtRiskPerMin: 0, usersAffected: 0 };
    }
    this.incidents.set(i.id, i);
    this.#refreshTrend();
    this.#touch(i.ts);
  }

  impact(i: Impact): void {
    const track = this.impacts.get(i.incidentId);
    if (!track) {
      this.impacts.set(i.incidentId, { latest: i, lost: 0, lastTs: i.ts, maxUsers: i.usersAffected });
    } else if (i.ts >= track.lastTs) {
      this.#accrue(track, i.ts);
      track.latest = i;
      track.maxUsers = Math.max(track.maxUsers, i.usersAffected);
    }
    this.#refreshTrend();
    this.#touch(i.ts);
  }

  forecast(f: Forecast): void {
    this.forecasts.set(`${f.service}|${f.metric}`, f);
    this.#touch(f.ts);
  }

  action(a: Action): void {
    if (this.actions.some((r) => r.action.actionId === a.actionId)) return;
    this.actions.push({ action: a, result: null });
    if (this.actions.length > MAX_ACTIONS) this.actions.shift();
    this.#touch(a.ts);
  }

  actionResult(r: ActionResult): void {
    const row = this.actions.find((x) => x.action.actionId === r.actionId);
    if (row) row.result = r;
    this.#touch(r.ts);
  }

  auditEvent(e: AuditEvent): void {
    this.audit.push(e);
    if (this.audit.length > MAX_AUDIT) this.audit.shift();
    const level = e.detail?.level;
    if (e.incidentId && e.machine === 'escalation' && typeof level === 'string') {
      const who = typeof e.detail?.who === 'string' ? e.detail.who : this.escalation.get(e.incidentId)?.who ?? null;
      this.escalation.set(e.incidentId, { level, who });
    }
    if (e.machine === 'approval') this.#approval(e);
    this.#touch(e.ts);
  }

  /** One step of an approval (approval-gate.ts): a wait starts, or ends with a verdict. */
  #approval(e: AuditEvent): void {
    const d = e.detail ?? {};
    const id = typeof d.actionId === 'string' ? d.actionId : null;
    if (!id) return;
    if (e.to !== 'pending-approval') { this.approvals.delete(id); return; }
    this.approvals.set(id, {
      id, service: e.service ?? 'unknown', type: typeof d.type === 'string' ? d.type : 'unknown', params: d.params ?? {},
      reason: typeof d.reason === 'string' ? d.reason : '', deadline: typeof d.deadline === 'string' ? d.deadline : '', incidentId: e.incidentId ?? null, ts: e.ts,
    });
  }

  heartbeat(hb: Heartbeat): void {
    const prev = this.agents.get(hb.agentId)?.hb ?? null;
    const dt = prev ? (hb.wallTs - prev.wallTs) / 1000 : 0;
    const rate = (k: string): number => (prev && dt > 0 ? Math.max(0, ((hb.counters[k] ?? 0) - (prev.counters[k] ?? 0)) / dt) : 0);
    this.agents.set(hb.agentId, { hb, inRate: rate('in'), outRate: rate('out'), prev });
    this.version++;
  }

  setDlqStored(counts: Map<string, number>): void {
    this.dlqStored = counts;
    this.version++;
  }

  openIncidents(): Incident[] {
    return [...this.incidents.values()].filter((i) => i.status === 'open');
  }

  /** Revenue at risk per minute: the latest impact of every open incident. */
  riskPerMin(): number {
    return this.openIncidents().reduce((sum, i) => sum + (this.impacts.get(i.id)?.latest.revenueAtRiskPerMin ?? 0), 0);
  }

  /** Revenue lost so far: each incident's revenue rate integrated over event time, open ones up to now. */
  revenueLost(): number {
    let lost = 0;
    for (const [id, t] of this.impacts) {
      const open = this.incidents.get(id)?.status === 'open';
      lost += t.lost + (open ? (t.latest.revenueAtRiskPerMin * Math.max(0, this.now - t.lastTs)) / 60_000 : 0);
    }
    return lost;
  }

  /** The latest trend point follows incidents and impacts that arrive after its window. */
  #refreshTrend(): void {
    if (this.trend.size === 0) return;
    const last = this.trend.get(Math.max(...this.trend.keys()))!;
    last.riskPerMin = this.riskPerMin();
    last.open = this.openIncidents().length;
  }

  #accrue(track: ImpactTrack, ts: number): void {
    track.lost += (track.latest.revenueAtRiskPerMin * Math.max(0, ts - track.lastTs)) / 60_000;
    track.lastTs = Math.max(track.lastTs, ts);
  }

  #service(name: string): ServiceTrack {
    let t = this.services.get(name);
    if (!t) { t = { last: null, history: [], good: 0, total: 0, raw: new Map() }; this.services.set(name, t); }
    return t;
  }

  #touch(ts: number): void {
    if (Number.isFinite(ts)) this.now = Math.max(this.now, ts);
    this.version++;
  }
}

/** The series an alert belongs to: its latest alert says whether it is still raised. */
export function seriesKey(a: Alert): string {
  return `${a.service}|${a.instance}|${a.metric}|${a.rule}`;
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_POINTS) list.shift();
}
