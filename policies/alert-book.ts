/**
 * The alert book: every alert's lifecycle (alert-lifecycle.machine.ts), de-duplication and
 * silences, as a pure reducer over plain JSON state (persist it as is).
 *
 * - De-duplication: an alert with the same service/metric/rule as an open one (active,
 *   acknowledged, suppressed, correlated) is the same alert: its count increases.
 * - Silences are bound to an incident: open alerts they match are suppressed, and they end
 *   when their incident resolves, which brings the still-open alerts they held back to active.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { Alert } from '../runtime/contracts/index.js';
import { own } from '../runtime/dict.js';
import {
  OPEN_STATES, alertLifecycleMachine, type AlertLifecycleContext, type AlertLifecycleEvent,
} from './alert-lifecycle.machine.js';

/** The lifecycle states of seed 002 §3.1 (the alert machine's state values). */
export type AlertStatus = 'active' | 'acknowledged' | 'resolved' | 'closed' | 'false_positive' | 'suppressed' | 'correlated';

/** One alert as the book keeps it: the machine's state value and context. */
export interface AlertEntry { status: AlertStatus; context: AlertLifecycleContext; service: string; metric: string }

/** A silence bound to an incident: matches alerts of these services (and metrics, if given). */
export interface Silence { id: string; incidentId: string; services: string[]; metrics?: string[] }

/** Every alert, the open one per dedup key, and the silences in force. Plain JSON. */
export interface AlertBook {
  alerts: Record<string, AlertEntry>;
  /** dedup key → id of the open alert */
  open: Record<string, string>;
  silences: Record<string, Silence>;
}

/** A book with no alert and no silence. */
export const emptyAlertBook = (): AlertBook => ({ alerts: {}, open: {}, silences: {} });

/** The de-duplication key of an alert: same service, metric and rule = same alert. */
export const dedupKey = (a: Pick<Alert, 'service' | 'metric' | 'rule'>): string => `${a.service}/${a.metric}/${a.rule}`;

const isOpen = (s: AlertStatus): boolean => (OPEN_STATES as readonly string[]).includes(s);

function apply(book: AlertBook, id: string, event: AlertLifecycleEvent): AlertBook {
  const entry = book.alerts[id];
  if (!entry || entry.status === 'closed') return book;
  const snap = alertLifecycleMachine.resolveState({ value: entry.status, context: entry.context }) as SnapshotFrom<typeof alertLifecycleMachine>;
  const [next] = transition(alertLifecycleMachine, snap, event);
  const status = next.value as AlertStatus;
  const open = { ...book.open };
  if (!isOpen(status) && open[entry.context.key] === id) delete open[entry.context.key];
  return { ...book, open, alerts: { ...book.alerts, [id]: { ...entry, status, context: next.context } } };
}

function silenceFor(book: AlertBook, service: string, metric: string): Silence | undefined {
  return Object.values(book.silences).find((s) => s.services.includes(service) && (!s.metrics || s.metrics.includes(metric)));
}

/**
 * A detector's alert: a repeat of an open alert (count + 1), a `clear` that resolves it, or a
 * new alert, suppressed at once if a silence matches. Returns the new book and the alert's id.
 */
export function observeAlert(book: AlertBook, alert: Alert, now: number, closeAfterS?: number): { book: AlertBook; id: string | null } {
  const key = dedupKey(alert);
  const openId = own(book.open, key);
  if (alert.level === 'clear') return { book: openId ? apply(book, openId, { type: 'RESOLVE', now }) : book, id: openId ?? null };
  if (openId) return { book: apply(book, openId, { type: 'REPEAT', now, level: alert.level }), id: openId };
  const [snap] = initialTransition(alertLifecycleMachine, { alertId: alert.id, key, level: alert.level, now, closeAfterS });
  let next: AlertBook = {
    ...book,
    open: { ...book.open, [key]: alert.id },
    alerts: { ...book.alerts, [alert.id]: { status: 'active', context: snap.context, service: alert.service, metric: alert.metric } },
  };
  const silence = silenceFor(next, alert.service, alert.metric);
  if (silence) next = apply(next, alert.id, { type: 'SUPPRESS', now, silenceId: silence.id });
  return { book: next, id: alert.id };
}

/** Adds a silence and suppresses the open active alerts it matches. */
export function addSilence(book: AlertBook, silence: Silence, now: number): AlertBook {
  let next: AlertBook = { ...book, silences: { ...book.silences, [silence.id]: silence } };
  for (const [id, e] of Object.entries(next.alerts)) {
    if ((e.status === 'active' || e.status === 'correlated') && silenceFor({ ...next, silences: { [silence.id]: silence } }, e.service, e.metric)) {
      next = apply(next, id, { type: 'SUPPRESS', now, silenceId: silence.id });
    }
  }
  return next;
}

/** The incident resolved: its silences end (alerts they held come back unless another silence holds them). */
export function resolveIncident(book: AlertBook, incidentId: string, now: number): AlertBook {
  const ended = Object.values(book.silences).filter((s) => s.incidentId === incidentId).map((s) => s.id);
  const silences = Object.fromEntries(Object.entries(book.silences).filter(([id]) => !ended.includes(id)));
  let next: AlertBook = { ...book, silences };
  for (const [id, e] of Object.entries(next.alerts)) {
    if (e.status !== 'suppressed' || !ended.includes(e.context.silenceId ?? '')) continue;
    const other = silenceFor(next, e.service, e.metric);
    next = other ? apply(next, id, { type: 'SUPPRESS', now, silenceId: other.id }) : apply(next, id, { type: 'UNSUPPRESS', now });
  }
  return next;
}

/** Any other lifecycle event for one alert (ACK, RESOLVE, CLOSE, FALSE_POSITIVE, CORRELATE...). */
export function alertEvent(book: AlertBook, id: string, event: AlertLifecycleEvent): AlertBook {
  return apply(book, id, event);
}

/**
 * Event time moved: resolved and false-positive alerts past their close deadline close. Only
 * those fall due: the others wait untouched (a day of resolved alerts, re-run through the
 * machine on every tick, made the aggregator quadratic in the alerts of a run).
 */
export function tickAlerts(book: AlertBook, now: number): AlertBook {
  let next = book;
  for (const [id, e] of Object.entries(book.alerts)) {
    const due = e.context.closeAt !== null && now >= e.context.closeAt;
    if (due && (e.status === 'resolved' || e.status === 'false_positive')) next = apply(next, id, { type: 'TICK', now });
  }
  return next;
}
