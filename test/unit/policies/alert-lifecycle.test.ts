import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { Alert } from '../../../runtime/contracts/index.js';
import { addSilence, alertEvent, emptyAlertBook, observeAlert, resolveIncident, tickAlerts } from '../../../policies/alert-book.js';
import { alertLifecycleMachine } from '../../../policies/alert-lifecycle.machine.js';
import { MIN, T0 } from './fixtures.js';

const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
  id, service: 'api', instance: 'api-1', metric: 'cpu', level: 'yellow', rule: 'threshold', value: 85, threshold: 80,
  since: T0, ts: T0, ...over,
});

describe('alert lifecycle: one alert', () => {
  it('alert: active → acknowledged → resolved → closed (auto-close after closeAfterS)', () => {
    const a = createActor(alertLifecycleMachine, { input: { alertId: 'a1', key: 'api/cpu/threshold', level: 'red', now: T0, closeAfterS: 600 } }).start();
    a.send({ type: 'ACK', now: T0 + MIN });
    expect(a.getSnapshot().value).toBe('acknowledged');
    a.send({ type: 'RESOLVE', now: T0 + 2 * MIN });
    expect(a.getSnapshot().value).toBe('resolved');
    a.send({ type: 'TICK', now: T0 + 11 * MIN });
    expect(a.getSnapshot().value).toBe('resolved');
    a.send({ type: 'TICK', now: T0 + 12 * MIN });
    expect(a.getSnapshot().value).toBe('closed');
    expect(a.getSnapshot().status).toBe('done');
  });

  it('alert: false_positive, suppressed and correlated are states of their own', () => {
    const a = createActor(alertLifecycleMachine, { input: { alertId: 'a1', key: 'k', level: 'yellow', now: T0 } }).start();
    a.send({ type: 'CORRELATE', now: T0, incidentId: 'inc-1' });
    expect(a.getSnapshot().value).toBe('correlated');
    expect(a.getSnapshot().context.incidentId).toBe('inc-1');
    a.send({ type: 'SUPPRESS', now: T0, silenceId: 's1' });
    expect(a.getSnapshot().value).toBe('suppressed');
    a.send({ type: 'UNSUPPRESS', now: T0 });
    a.send({ type: 'FALSE_POSITIVE', now: T0, note: 'backup job' });
    expect(a.getSnapshot().value).toBe('false_positive');
    a.send({ type: 'CLOSE', now: T0 });
    expect(a.getSnapshot().value).toBe('closed');
  });
});

describe('alert book: de-duplication and silences', () => {
  it('alert book: the same service/metric/rule while open is one alert whose count increases', () => {
    let book = emptyAlertBook();
    book = observeAlert(book, alert('a1'), T0).book;
    book = observeAlert(book, alert('a2', { instance: 'api-2', level: 'red' }), T0 + MIN).book;
    book = observeAlert(book, alert('a3'), T0 + 2 * MIN).book;
    expect(Object.keys(book.alerts)).toEqual(['a1']);
    expect(book.alerts.a1.context).toMatchObject({ count: 3, level: 'red', lastSeen: T0 + 2 * MIN });
    book = observeAlert(book, alert('a4', { rule: 'zscore' }), T0 + 2 * MIN).book;
    expect(Object.keys(book.alerts)).toEqual(['a1', 'a4']);
    // a clear resolves it; the next firing is a new alert
    book = observeAlert(book, alert('a5', { level: 'clear' }), T0 + 3 * MIN).book;
    expect(book.alerts.a1.status).toBe('resolved');
    book = observeAlert(book, alert('a6'), T0 + 4 * MIN).book;
    expect(book.alerts.a6.status).toBe('active');
    book = tickAlerts(book, T0 + 3 * MIN + 86_400_000);
    expect(book.alerts.a1.status).toBe('closed');
  });

  it('alert book: a tick before any close deadline leaves the book as it is (a day of resolved alerts costs nothing per tick)', () => {
    let book = emptyAlertBook();
    for (let i = 0; i < 50; i++) {
      book = observeAlert(book, alert(`f${i}`, { metric: `m${i}` }), T0).book;
      book = observeAlert(book, alert(`c${i}`, { metric: `m${i}`, level: 'clear' }), T0 + MIN).book;
    }
    expect(tickAlerts(book, T0 + 2 * MIN)).toBe(book);
    const closed = tickAlerts(book, T0 + MIN + 86_400_000);
    expect(Object.values(closed.alerts).every((e) => e.status === 'closed')).toBe(true);
  });

  it('alert book: a silence bound to an incident suppresses, and ends when the incident resolves', () => {
    let book = emptyAlertBook();
    book = observeAlert(book, alert('a1'), T0).book;
    book = addSilence(book, { id: 's1', incidentId: 'inc-1', services: ['api'] }, T0 + MIN);
    expect(book.alerts.a1.status).toBe('suppressed');
    book = observeAlert(book, alert('b1', { metric: 'latency_ms' }), T0 + 2 * MIN).book;
    expect(book.alerts.b1.status).toBe('suppressed');
    book = observeAlert(book, alert('c1', { service: 'web' }), T0 + 2 * MIN).book;
    expect(book.alerts.c1.status).toBe('active');
    book = observeAlert(book, alert('a2'), T0 + 3 * MIN).book; // still counted while silenced
    expect(book.alerts.a1.context.count).toBe(2);
    book = alertEvent(book, 'b1', { type: 'RESOLVE', now: T0 + 4 * MIN });
    book = resolveIncident(book, 'inc-1', T0 + 5 * MIN);
    expect(book.silences).toEqual({});
    expect(book.alerts.a1.status).toBe('active');
    expect(book.alerts.b1.status).toBe('resolved');
  });

  it('alert book: an alert held by two silences stays suppressed until both incidents resolve', () => {
    let book = observeAlert(emptyAlertBook(), alert('a1'), T0).book;
    book = addSilence(book, { id: 's1', incidentId: 'inc-1', services: ['api'] }, T0);
    book = addSilence(book, { id: 's2', incidentId: 'inc-2', services: ['api'], metrics: ['cpu'] }, T0);
    book = resolveIncident(book, 'inc-1', T0 + MIN);
    expect(book.alerts.a1).toMatchObject({ status: 'suppressed', context: { silenceId: 's2' } });
    book = resolveIncident(book, 'inc-2', T0 + 2 * MIN);
    expect(book.alerts.a1.status).toBe('active');
  });
});
