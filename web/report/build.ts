import {
  check, Subjects, type Action, type ActionResult, type AggWindow, type Alert, type AuditEvent, type CatalogEntry, type Impact, type Incident, type Priority,
} from '../../runtime/contracts/index.js';
import type { StoredMessage } from '../../runtime/nats/stream-read.js';
import { budgetBurnt, windowViolates } from '../model/slo.js';
import { recommend, type AnalystAdvice } from './recommend.js';

/** One action of an incident with what the actuator did and how the policy judged it. */
export interface ActionRecord { action: Action; result: ActionResult | null; validation: AuditEvent | null; rollback: boolean }

export interface IncidentReport {
  incident: Incident;
  resolvedAt: number | null;
  detection: { firstAlert: Alert | null; alerts: Alert[]; detectedAfterS: number | null };
  actions: ActionRecord[];
  remediation: AuditEvent[];
  escalations: { ts: number; level: string; who: string | null; reason: string | null }[];
  impact: { priority: Priority | null; usersAffected: number; revenueLost: number; revenueAtRiskPeakPerMin: number };
  slo: { minutes: number; budgetBurntPct: number };
  timeline: AuditEvent[];
}

/** A chart's data: one service's windows over the reported span, with the actions to mark. */
export interface SeriesData { service: string; t: number[]; p99: (number | null)[]; errorRate: (number | null)[]; cpu: (number | null)[]; instances: number[]; marks: { t: number; label: string; rollback: boolean }[] }

export interface ReportData {
  subject: { kind: 'incident' | 'run'; id: string };
  run: { runId: string | null; startTs: number | null };
  span: { from: number; to: number };
  incidents: IncidentReport[];
  totals: { incidents: number; revenueLost: number; usersAffected: number; sloMinutes: number; budgetBurntPct: number; actions: number; rollbacks: number; escalations: number };
  series: SeriesData[];
  recommendations: string[];
  generatedAt: string;
}

/** The messages of one run (or of the streams' whole past, live), sorted by stream time. */
export interface RunMessages { runId: string | null; startTs: number | null; messages: StoredMessage[] }

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** Validated messages of one subject family (a stored message that fails its schema is left out). */
function pick<T>(messages: StoredMessage[], def: (typeof Subjects)[keyof typeof Subjects]): T[] {
  return messages.filter((m) => def.parse(m.subject)).map((m) => check(def.schema, m.data)).flatMap((r) => (r.ok ? [r.value as unknown as T] : []));
}

/**
 * Builds a post-incident report from a run's stored messages. Pure: `catalog` gives the SLOs,
 * `analyst` the analyst's current advice. With `incidentId`, the report covers that incident only.
 */
export function buildReport(run: RunMessages, catalog: CatalogEntry[], analyst: AnalystAdvice | null, incidentId: string | null, now = new Date()): ReportData {
  const ms = run.messages;
  const alerts = pick<Alert>(ms, Subjects.alert);
  const latest = new Map<string, Incident>();
  const first = new Map<string, Incident>();
  for (const i of pick<Incident>(ms, Subjects.incident)) { if (!first.has(i.id)) first.set(i.id, i); latest.set(i.id, i); }
  const impacts = pick<Impact>(ms, Subjects.impact);
  const actions = pick<Action>(ms, Subjects.action);
  const results = pick<ActionResult>(ms, Subjects.actionResult);
  const audit = pick<AuditEvent>(ms, Subjects.audit);
  const windows = pick<AggWindow>(ms, Subjects.agg);
  const cat = new Map(catalog.map((c) => [c.service, c]));

  const chosen = [...latest.values()].filter((i) => incidentId === null || i.id === incidentId).sort((a, b) => a.openedAt - b.openedAt);
  const reports = chosen.map((inc) => incidentReport(inc, { alerts, impacts, actions, results, audit, windows, cat }));
  const allTs = [...windows.map((w) => w.end), ...chosen.flatMap((i) => [i.openedAt, i.ts])];
  const span = incidentId !== null && chosen[0]
    ? { from: chosen[0].openedAt - 10 * 60_000, to: (reports[0].resolvedAt ?? chosen[0].ts) + 10 * 60_000 }
    : { from: Math.min(...allTs, run.startTs ?? Infinity), to: Math.max(...allTs, 0) };
  const services = [...new Set(chosen.flatMap((i) => i.services))];
  const series = (services.length > 0 ? services : [...new Set(windows.map((w) => w.service))].slice(0, 3))
    .map((s) => seriesOf(s, windows, actions, span)).filter((s) => s.t.length > 0);
  const sloMinutes = incidentId === null ? runSloMinutes(windows, cat) : reports.reduce((n, r) => n + r.slo.minutes, 0);
  const totals = {
    incidents: reports.length,
    revenueLost: round(reports.reduce((n, r) => n + r.impact.revenueLost, 0)),
    usersAffected: Math.max(0, ...reports.map((r) => r.impact.usersAffected)),
    sloMinutes: round(sloMinutes), budgetBurntPct: round(100 * budgetBurnt(sloMinutes), 1),
    actions: reports.reduce((n, r) => n + r.actions.length, 0),
    rollbacks: reports.reduce((n, r) => n + r.actions.filter((a) => a.rollback).length, 0),
    escalations: reports.reduce((n, r) => n + r.escalations.filter((e) => e.level !== 'N0').length, 0),
  };
  return {
    subject: { kind: incidentId === null ? 'run' : 'incident', id: incidentId ?? run.runId ?? 'live' },
    run: { runId: run.runId, startTs: run.startTs }, span, incidents: reports, totals, series,
    recommendations: recommend(reports, totals, analyst), generatedAt: now.toISOString(),
  };
}

interface Streams {
  alerts: Alert[]; impacts: Impact[]; actions: Action[]; results: ActionResult[]; audit: AuditEvent[]; windows: AggWindow[]; cat: Map<string, CatalogEntry>;
}

function incidentReport(inc: Incident, s: Streams): IncidentReport {
  const resolvedAt = inc.status === 'resolved' ? inc.ts : null;
  const end = resolvedAt ?? Math.max(inc.ts, ...s.windows.map((w) => w.end));
  const mine = s.alerts.filter((a) => inc.alertIds.includes(a.id)).sort((a, b) => a.since - b.since);
  const firstAlert = mine[0] ?? null;
  const inWindow = (ts: number, svc: string): boolean => inc.services.includes(svc) && ts >= inc.openedAt - 120_000 && ts <= end;
  const actions = s.actions.filter((a) => a.runId.includes(inc.id) || inWindow(a.ts, a.service)).map((a) => ({
    action: a,
    result: s.results.find((r) => r.actionId === a.actionId) ?? null,
    validation: s.audit.find((e) => e.event.startsWith('validation') && e.detail?.actionId === a.actionId) ?? null,
    rollback: a.compensates !== undefined,
  }));
  const timeline = s.audit.filter((e) => e.incidentId === inc.id || (e.incidentId === undefined && e.service !== undefined && inWindow(e.ts, e.service) && (e.from !== e.to || e.event.startsWith('validation'))));
  const escalations = timeline.filter((e) => e.machine === 'escalation' && typeof e.detail?.level === 'string' && (e.event === 'escalated' || e.event === 'START'))
    .map((e) => ({ ts: e.ts, level: String(e.detail!.level), who: typeof e.detail!.who === 'string' ? e.detail!.who : null, reason: typeof e.detail!.reason === 'string' ? e.detail!.reason : null }));
  const impacts = s.impacts.filter((i) => i.incidentId === inc.id).sort((a, b) => a.ts - b.ts);
  let lost = 0;
  impacts.forEach((i, k) => { lost += (i.revenueAtRiskPerMin * Math.max(0, (impacts[k + 1]?.ts ?? end) - i.ts)) / 60_000; });
  const order: Priority[] = ['P1', 'P2', 'P3', 'P4'];
  const priority = impacts.map((i) => i.priority).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? null;
  const sloMin = runSloMinutes(s.windows.filter((w) => inc.services.includes(w.service) && w.end > inc.openedAt - 60_000 && w.end <= end + 60_000), s.cat);
  return {
    incident: inc, resolvedAt,
    detection: { firstAlert, alerts: mine, detectedAfterS: firstAlert ? round((inc.openedAt - firstAlert.since) / 1000, 0) : null },
    actions, remediation: timeline.filter((e) => e.machine === 'remediation'), escalations,
    impact: { priority, usersAffected: Math.max(0, ...impacts.map((i) => i.usersAffected)), revenueLost: round(lost), revenueAtRiskPeakPerMin: round(Math.max(0, ...impacts.map((i) => i.revenueAtRiskPerMin))) },
    slo: { minutes: round(sloMin), budgetBurntPct: round(100 * budgetBurnt(sloMin), 1) },
    timeline,
  };
}

/** Minutes in which at least one service broke its SLO (as the simulator counts them). */
function runSloMinutes(windows: AggWindow[], cat: Map<string, CatalogEntry>): number {
  const bad = new Map<number, number>();
  for (const w of windows) if (windowViolates(w, cat.get(w.service))) bad.set(w.end, Math.max(bad.get(w.end) ?? 0, w.windowS / 60));
  return [...bad.values()].reduce((a, b) => a + b, 0);
}

function seriesOf(service: string, windows: AggWindow[], actions: Action[], span: { from: number; to: number }): SeriesData {
  const mine = windows.filter((w) => w.service === service && w.end >= span.from && w.end <= span.to).sort((a, b) => a.end - b.end);
  return {
    service, t: mine.map((w) => w.end),
    p99: mine.map((w) => w.metrics.latency_ms?.p99 ?? null), errorRate: mine.map((w) => w.metrics.error_rate?.mean ?? null),
    cpu: mine.map((w) => w.metrics.cpu?.mean ?? null), instances: mine.map((w) => w.instances),
    marks: actions.filter((a) => a.service === service && a.ts >= span.from && a.ts <= span.to && !a.dryRun).map((a) => ({ t: a.ts, label: a.type, rollback: a.compensates !== undefined })),
  };
}
