/**
 * The alert lifecycle's one owner (seed 002 §3.1), inside the aggregator: every detector alert
 * goes into the alert book (policies/alert-book.ts: de-duplication, the lifecycle machine,
 * silences), incidents correlate alerts and end their silences, operators acknowledge,
 * resolve, close, silence and mark false positives. Pure: alerts, incidents, requests and
 * event time come in as arguments; `drain` hands out what changed, for the KV bucket and the
 * vigil.alertstate subject.
 */
import {
  addSilence, alertEvent, dedupKey, emptyAlertBook, observeAlert, resolveIncident, tickAlerts,
  type AlertBook, type AlertEntry,
} from '../../../policies/alert-book.js';
import type { AlertLifecycleEvent } from '../../../policies/alert-lifecycle.machine.js';
import type { Alert, AlertRecord, AlertSilence, Incident } from '../../../runtime/contracts/index.js';

/** How alerts age: a resolved or false-positive alert closes `closeAfterS` later (event time). */
export interface AlertDeskConfig { closeAfterS: number; keepClosed: number }

/** An operator's request on one alert, or a silence: what changed, or why nothing did. */
export type DeskResult<T> = { ok: true; value: T } | { ok: false; code: 'unknown-id' | 'refused'; message: string };

/** What the book does not keep: the rule, the instances still raising it, the last change. */
interface Extra { rule: string; instances: Set<string>; by: string | null; event: string; ts: number }

/** The fields whose change is worth telling (not the machine's clock). */
const signature = (e: AlertEntry): string => JSON.stringify([e.status, e.context.count, e.context.level, e.context.incidentId, e.context.silenceId, e.context.note]);

const OPERATOR_EVENTS = {
  ack: (now: number, by?: string): AlertLifecycleEvent => ({ type: 'ACK', now, by }),
  resolve: (now: number): AlertLifecycleEvent => ({ type: 'RESOLVE', now }),
  close: (now: number): AlertLifecycleEvent => ({ type: 'CLOSE', now }),
  'false-positive': (now: number, _by?: string, note?: string): AlertLifecycleEvent => ({ type: 'FALSE_POSITIVE', now, note }),
} as const;
export type OperatorOp = keyof typeof OPERATOR_EVENTS;

export class AlertDesk {
  #book: AlertBook = emptyAlertBook();
  readonly #extra = new Map<string, Extra>();
  /** detector alert id -> the book's id of the alert it was merged into (incidents list detector ids) */
  readonly #aliases = new Map<string, string>();
  /** incidents heard of: id -> services and whether still open (silences bind to open ones) */
  readonly #incidents = new Map<string, { services: string[]; open: boolean }>();
  /** ids changed since the last drain, and those whose status changed */
  readonly #changed = new Set<string>();
  readonly #moved = new Set<string>();
  #silences = 0;
  #run = '';

  constructor(private config: AlertDeskConfig) {}

  /** A detector alert: a new alert, a repeat of an open one, or a clear from one of its instances. */
  observe(a: Alert, now: number): void {
    const openId = this.#book.open[dedupKey(a)];
    if (a.level === 'clear') {
      const extra = openId ? this.#extra.get(openId) : undefined;
      if (!openId || !extra) return;
      extra.instances.delete(a.instance);
      // Resolved only when every instance that raised it has cleared.
      if (extra.instances.size === 0) this.#apply((b) => observeAlert(b, a, now, this.config.closeAfterS).book, 'clear', now);
      return;
    }
    let id = '';
    this.#apply((b) => {
      const r = observeAlert(b, a, now, this.config.closeAfterS);
      id = r.id ?? '';
      return r.book;
    }, openId ? 'repeat' : 'fired', now);
    if (!id) return;
    if (!this.#extra.has(id)) this.#extra.set(id, { rule: a.rule, instances: new Set(), by: null, event: 'fired', ts: now });
    this.#extra.get(id)!.instances.add(a.instance);
    this.#aliases.set(a.id, id);
  }

  /** An incident: open ones correlate the alerts they group; a resolved one ends its silences. */
  incident(inc: Incident, now: number): void {
    this.#incidents.set(inc.id, { services: inc.services, open: inc.status === 'open' });
    if (inc.status === 'resolved') {
      this.#apply((b) => resolveIncident(b, inc.id, now), 'unsuppress', now);
      return;
    }
    const metrics = new Set(inc.metrics);
    const grouped = new Set(inc.alertIds.map((x) => this.#aliases.get(x)).filter((x): x is string => x !== undefined));
    for (const [id, e] of Object.entries(this.#book.alerts)) {
      if (e.context.incidentId === inc.id || (e.status !== 'active' && e.status !== 'acknowledged')) continue;
      if (!grouped.has(id) && !metrics.has(`${e.service}.${e.metric}`)) continue;
      this.#apply((b) => alertEvent(b, id, { type: 'CORRELATE', now, incidentId: inc.id }), 'correlate', now);
    }
  }

  /** Event time moved: resolved and false-positive alerts past their close deadline close. */
  tick(now: number): void {
    this.#apply((b) => tickAlerts(b, now), 'close', now);
  }

  /** An operator's ack, resolve, close or false-positive on one alert. */
  operate(op: OperatorOp, id: string, now: number, opts: { by?: string; note?: string } = {}): DeskResult<AlertRecord> {
    const bookId = this.#resolveId(id);
    const entry = bookId ? this.#book.alerts[bookId] : undefined;
    if (!bookId || !entry) return { ok: false, code: 'unknown-id', message: `no alert ${id}` };
    const before = entry.status;
    this.#apply((b) => alertEvent(b, bookId, OPERATOR_EVENTS[op](now, opts.by, opts.note)), op, now, opts.by);
    const after = this.#book.alerts[bookId];
    if (after.status === before) return { ok: false, code: 'refused', message: `alert ${id} is ${before}: ${op} does not apply` };
    return { ok: true, value: this.record(bookId)! };
  }

  /** Silences the alerts of an open incident (its services, or those given) until it resolves. */
  silence(req: { incidentId: string; services?: string[]; metrics?: string[] }, now: number): DeskResult<AlertSilence> {
    const inc = this.#incidents.get(req.incidentId);
    if (!inc) return { ok: false, code: 'unknown-id', message: `no incident ${req.incidentId} has reached the aggregator` };
    if (!inc.open) return { ok: false, code: 'refused', message: `incident ${req.incidentId} is resolved: a silence bound to it would end at once` };
    const silence: AlertSilence = {
      id: `sil-${++this.#silences}${this.#run ? `-${this.#run}` : ''}`, incidentId: req.incidentId,
      services: req.services && req.services.length > 0 ? req.services : inc.services,
      ...(req.metrics && req.metrics.length > 0 ? { metrics: req.metrics } : {}),
    };
    this.#apply((b) => addSilence(b, silence, now), 'suppress', now);
    return { ok: true, value: silence };
  }

  /** Alerts, newest first; closed ones only with `all`. */
  list(all = false): AlertRecord[] {
    return Object.keys(this.#book.alerts).map((id) => this.record(id)!)
      .filter((r) => all || r.status !== 'closed')
      .sort((a, b) => b.lastSeen - a.lastSeen || a.id.localeCompare(b.id));
  }

  silences(): AlertSilence[] {
    return Object.values(this.#book.silences).map((s) => ({ ...s }));
  }

  record(id: string): AlertRecord | undefined {
    const e = this.#book.alerts[id];
    const x = this.#extra.get(id);
    if (!e || !x) return undefined;
    const c = e.context;
    return {
      id, service: e.service, metric: e.metric, rule: x.rule, instances: [...x.instances].sort(),
      level: c.level === 'red' ? 'red' : 'yellow', status: e.status, count: c.count, firstSeen: c.firstSeen, lastSeen: c.lastSeen,
      incidentId: c.incidentId, silenceId: c.silenceId, note: c.note, by: x.by, event: x.event, run: this.#run, ts: x.ts,
    };
  }

  /**
   * What changed since the last drain: every changed record (for the KV bucket) and those whose
   * status moved (for vigil.alertstate). Closed alerts are then forgotten beyond `keepClosed`.
   */
  drain(): { changed: AlertRecord[]; moved: AlertRecord[] } {
    const changed = [...this.#changed].map((id) => this.record(id)).filter((r): r is AlertRecord => r !== undefined);
    const moved = changed.filter((r) => this.#moved.has(r.id));
    this.#changed.clear();
    this.#moved.clear();
    this.#forgetClosed();
    return { changed, moved };
  }

  /** A new simulated run: forget every alert, silence and incident. Returns the ids forgotten. */
  reset(run: string): string[] {
    const ids = Object.keys(this.#book.alerts);
    this.#book = emptyAlertBook();
    for (const m of [this.#extra, this.#aliases, this.#incidents]) m.clear();
    this.#changed.clear();
    this.#moved.clear();
    this.#silences = 0;
    this.#run = run;
    return ids;
  }

  reconfigure(config: AlertDeskConfig): void {
    this.config = config;
  }

  /** Counts by status, for the agent's state. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of Object.values(this.#book.alerts)) out[e.status] = (out[e.status] ?? 0) + 1;
    return out;
  }

  /** Accepts the book's id, the KV key form ('.' for ':'), or any detector id merged into an alert. */
  #resolveId(id: string): string | undefined {
    if (this.#book.alerts[id]) return id;
    const alias = this.#aliases.get(id);
    if (alias) return alias;
    return Object.keys(this.#book.alerts).find((k) => k.replace(/:/g, '.') === id);
  }

  /** Applies a change to the book and notes which alerts it changed, with what event. */
  #apply(change: (b: AlertBook) => AlertBook, event: string, now: number, by?: string): void {
    const before = this.#book;
    this.#book = change(before);
    if (this.#book === before) return; // nothing changed (a tick with no close due): no alert to look at
    for (const [id, e] of Object.entries(this.#book.alerts)) {
      const prev = before.alerts[id];
      if (prev === e || (prev && signature(prev) === signature(e))) continue; // the book replaces only what an event touched
      this.#changed.add(id);
      if (!prev || prev.status !== e.status) this.#moved.add(id);
      const x = this.#extra.get(id);
      if (x) { x.event = event; x.ts = now; if (by) x.by = by; }
    }
  }

  #forgetClosed(): void {
    const closed = Object.entries(this.#book.alerts).filter(([, e]) => e.status === 'closed').map(([id]) => id);
    const excess = new Set(closed.slice(0, Math.max(0, closed.length - this.config.keepClosed)));
    if (excess.size === 0) return;
    const alerts = { ...this.#book.alerts };
    for (const id of excess) { delete alerts[id]; this.#extra.delete(id); }
    for (const [alias, id] of this.#aliases) if (excess.has(id)) this.#aliases.delete(alias);
    this.#book = { ...this.#book, alerts };
  }
}
