import { describe, expect, it } from 'vitest';
import { AlertDesk } from '../../../agents/intermediate/aggregator/alert-desk.js';
import { Analyst } from '../../../agents/top/analyst/brain.js';
import type { Alert, Incident } from '../../../runtime/contracts/index.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

const T0 = 1_700_000_000_000;
const MIN = 60_000;

const alert = (instance: string, ts: number, over: Partial<Alert> = {}): Alert => ({
  id: `api:${instance}:cpu:threshold:${ts}`, service: 'api', instance, metric: 'cpu', level: 'red', rule: 'threshold',
  value: 95, threshold: 90, since: ts, ts, ...over,
});

const incident = (id: string, status: Incident['status'], alertIds: string[], ts: number): Incident => ({
  id, service: 'api', status, services: ['api'], alertIds, metrics: ['api.cpu'], rootCause: { service: 'api', metric: 'cpu', reason: 'x' },
  candidates: [{ service: 'api', score: 1 }], pattern: 'saturation', severity: 'red', score: 0.8, confidence: 0.8, openedAt: T0, revision: ++incidentRevisions, ts,
});

const desk = (): AlertDesk => new AlertDesk({ closeAfterS: 600, keepClosed: 10 });

describe('alert desk: the lifecycle owned by the aggregator', () => {
  it('alert desk: fired → correlated → acknowledged → resolved → closed, each change drained once', () => {
    const d = desk();
    d.observe(alert('api-1', T0), T0);
    const fired = d.drain();
    expect(fired.moved).toEqual([expect.objectContaining({ id: `api:api-1:cpu:threshold:${T0}`, status: 'active', event: 'fired', instances: ['api-1'] })]);
    const id = fired.moved[0].id;
    d.incident(incident('inc-1', 'open', [id], T0 + MIN), T0 + MIN);
    expect(d.drain().moved).toEqual([expect.objectContaining({ id, status: 'correlated', incidentId: 'inc-1' })]);
    expect(d.operate('ack', id, T0 + 2 * MIN, { by: 'alice' })).toMatchObject({ ok: true, value: { status: 'acknowledged', by: 'alice' } });
    expect(d.operate('ack', id, T0 + 2 * MIN)).toMatchObject({ ok: false, code: 'refused' });
    expect(d.operate('resolve', id.replace(/:/g, '.'), T0 + 3 * MIN)).toMatchObject({ ok: true, value: { status: 'resolved' } });
    d.drain();
    d.tick(T0 + 12 * MIN);
    expect(d.drain().moved).toEqual([]);
    d.tick(T0 + 13 * MIN);
    expect(d.drain().moved).toEqual([expect.objectContaining({ id, status: 'closed' })]);
    expect(d.list()).toEqual([]);
    expect(d.list(true)).toHaveLength(1);
    expect(d.operate('ack', 'nope', T0)).toMatchObject({ ok: false, code: 'unknown-id' });
  });

  it('alert desk: one alert per service/metric/rule; resolved only once every instance that raised it cleared', () => {
    const d = desk();
    d.observe(alert('api-1', T0), T0);
    d.observe(alert('api-2', T0 + 10_000), T0 + 10_000);
    expect(d.list()).toEqual([expect.objectContaining({ count: 2, instances: ['api-1', 'api-2'] })]);
    d.observe(alert('api-1', T0 + MIN, { level: 'clear' }), T0 + MIN);
    expect(d.list()[0].status).toBe('active');
    d.observe(alert('api-2', T0 + 2 * MIN, { level: 'clear' }), T0 + 2 * MIN);
    expect(d.list()[0]).toMatchObject({ status: 'resolved', event: 'clear', instances: [] });
  });

  it('alert desk: a silence bound to an incident suppresses its alerts and ends with the incident', () => {
    const d = desk();
    d.observe(alert('api-1', T0), T0);
    expect(d.silence({ incidentId: 'inc-9' }, T0)).toMatchObject({ ok: false, code: 'unknown-id' });
    d.incident(incident('inc-9', 'open', [], T0), T0);
    const s = d.silence({ incidentId: 'inc-9' }, T0 + MIN);
    expect(s).toMatchObject({ ok: true, value: { incidentId: 'inc-9', services: ['api'] } });
    expect(d.list()[0]).toMatchObject({ status: 'suppressed', silenceId: s.ok ? s.value.id : '' });
    d.incident(incident('inc-9', 'resolved', [], T0 + 5 * MIN), T0 + 5 * MIN);
    expect(d.silences()).toEqual([]);
    expect(d.list()[0].status).toBe('active');
    expect(d.silence({ incidentId: 'inc-9' }, T0 + 6 * MIN)).toMatchObject({ ok: false, code: 'refused' });
  });

  it('alert desk + analyst: alerts marked false positive feed the threshold-tuning recommendation', () => {
    const d = desk();
    const analyst = new Analyst({ minFalsePositives: 2 });
    for (const t of [T0, T0 + 10 * MIN]) {
      d.observe(alert('api-1', t), t);
      const id = d.list()[0].id;
      expect(d.operate('false-positive', id, t + MIN, { note: 'nightly backup' })).toMatchObject({ ok: true, value: { status: 'false_positive', note: 'nightly backup' } });
      for (const r of d.drain().moved) analyst.alertState(r);
      if (t === T0) expect(analyst.state().recommendations).toEqual([]);
    }
    expect(analyst.state().recommendations).toEqual([expect.objectContaining({ service: 'api', metric: 'cpu', markedFalsePositives: 2 })]);
    expect(analyst.state().recommendations[0].suggestion).toMatch(/2 alerts marked false positive by operators/);
  });
});
