import { describe, expect, it } from 'vitest';
import { Analyst } from '../../../agents/top/analyst/brain.js';
import { availability, Downtime, mtbfS, mttrS } from '../../../agents/top/analyst/kpis.js';
import type { Action, ActionResult, Impact, Incident, IncidentPattern } from '../../../runtime/contracts/index.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

const T0 = 1_700_000_100_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const LAG = 3 * MIN; // the correlator's quiet period (resolutionLagS default 180)

function incident(id: string, service: string, openedAt: number, ts: number, status: Incident['status'] = 'open', extra: Partial<Incident> = {}): Incident {
  return {
    id, service, status, services: [service], alertIds: [], metrics: [`${service}.cpu`],
    rootCause: { service, metric: 'cpu', reason: 'test' }, candidates: [], pattern: 'single' as IncidentPattern,
    severity: 'red', score: 0.7, confidence: 0.8, openedAt, ts, revision: ++incidentRevisions, ...extra,
  };
}

/** Opens an incident and resolves it `repairMs` later (plus the quiet period). */
function episode(a: Analyst, id: string, service: string, openedAt: number, repairMs: number, extra: Partial<Incident> = {}): void {
  a.incident(incident(id, service, openedAt, openedAt, 'open', extra));
  a.incident(incident(id, service, openedAt, openedAt + repairMs + LAG, 'resolved', extra));
}

function action(actionId: string, runId: string, service: string, ts: number, compensates?: string): Action {
  return { actionId, runId, type: 'scale-out', service, params: {}, dryRun: false, reason: 'test', ts, ...(compensates ? { compensates } : {}) };
}

function result(actionId: string, service: string, ts: number, status: ActionResult['status'] = 'applied'): ActionResult {
  return { actionId, service, type: 'scale-out', status, before: {}, after: {}, ts };
}

describe('analyst', () => {
  it('analyst: MTTR, MTBF and availability follow from incident open and repair times', () => {
    const a = new Analyst();
    a.reset(T0);
    episode(a, 'inc-1', 'api', T0 + HOUR, 10 * MIN);
    episode(a, 'inc-2', 'api', T0 + 5 * HOUR, 20 * MIN);
    a.advance(T0 + 10 * HOUR);
    const r = a.state();
    expect(r.observedS).toBe(36_000);
    expect(r.mttrS).toBe(900);
    expect(r.services.api).toEqual({ incidents: 2, downtimeS: 1800, availability: 0.95, mttrS: 900, mtbfS: 17_100 });
    expect(r.availability).toBe(0.95);
    expect(r.mtbfS).toBe(17_100);
  });

  it('analyst: overlapping incidents on one service count their downtime once', () => {
    const d = new Downtime();
    d.down(0); d.down(10_000); d.up(30_000); d.up(40_000);
    expect(d.totalMs(100_000)).toBe(40_000);
    expect(d.failures).toBe(2);
    expect([mttrS(0, 0), mtbfS(100, 0, 0), availability(0, 0)]).toEqual([null, null, 1]);
  });

  it('analyst: an incident still open counts as downtime up to now', () => {
    const a = new Analyst();
    a.reset(T0);
    a.incident(incident('inc-1', 'db', T0 + HOUR, T0 + HOUR));
    a.advance(T0 + 2 * HOUR);
    expect(a.state().services.db.availability).toBe(0.5);
    expect(a.state().incidents.open).toBe(1);
  });

  it('analyst: counts incidents resolved after applied vigil actions and before escalation as automated', () => {
    const a = new Analyst();
    a.reset(T0);
    a.incident(incident('inc-a', 'api', T0, T0));
    a.action(action('act-1', 'remediation-inc-a', 'api', T0 + MIN));
    a.actionResult(result('act-1', 'api', T0 + MIN));
    a.incident(incident('inc-a', 'api', T0, T0 + 5 * MIN + LAG, 'resolved'));
    episode(a, 'inc-b', 'web', T0 + HOUR, 5 * MIN);
    a.incident(incident('inc-c', 'db', T0 + 2 * HOUR, T0 + 2 * HOUR));
    a.action(action('act-2', 'scaling-db', 'db', T0 + 2 * HOUR + MIN));
    a.actionResult(result('act-2', 'db', T0 + 2 * HOUR + MIN));
    a.incident(incident('inc-c', 'db', T0 + 2 * HOUR, T0 + 3 * HOUR, 'resolved'));
    const r = a.state();
    expect(r.recent.map((x) => [x.id, x.actions, x.automated])).toEqual([['inc-a', 1, true], ['inc-b', 0, false], ['inc-c', 1, false]]);
    expect(r.automatedResolutionRate).toBeCloseTo(1 / 3, 3);
  });

  it('analyst: counts recurring signatures by service and pattern', () => {
    const a = new Analyst();
    a.reset(T0);
    episode(a, 'inc-1', 'db', T0, 10 * MIN, { pattern: 'pool-saturation' });
    episode(a, 'inc-2', 'db', T0 + HOUR, 10 * MIN, { pattern: 'pool-saturation' });
    episode(a, 'inc-3', 'db', T0 + 2 * HOUR, 10 * MIN, { pattern: 'cascade' });
    expect(a.state().signatures).toEqual([
      { service: 'db', pattern: 'pool-saturation', count: 2, firstAt: T0, lastAt: T0 + HOUR, recurring: true },
      { service: 'db', pattern: 'cascade', count: 1, firstAt: T0 + 2 * HOUR, lastAt: T0 + 2 * HOUR, recurring: false },
    ]);
  });

  it('analyst: recommends raising a threshold whose incidents repeatedly cleared within a window with no action', () => {
    const a = new Analyst();
    a.reset(T0);
    episode(a, 'inc-1', 'api', T0, 30_000);
    episode(a, 'inc-2', 'api', T0 + HOUR, 45_000);
    episode(a, 'inc-3', 'db', T0 + 2 * HOUR, 30_000);
    a.incident(incident('inc-4', 'web', T0 + 3 * HOUR, T0 + 3 * HOUR));
    a.action(action('act-1', 'run', 'web', T0 + 3 * HOUR));
    a.incident(incident('inc-4', 'web', T0 + 3 * HOUR, T0 + 3 * HOUR + 30_000 + LAG, 'resolved'));
    const [rec, ...others] = a.state().recommendations;
    expect(others).toEqual([]);
    expect(rec).toMatchObject({ service: 'api', metric: 'cpu', falsePositives: 2, incidents: 2, raiseFactor: 1.1 });
    expect(rec.suggestion).toContain('raise the cpu threshold of api');
  });

  it('analyst: integrates revenue at risk over the incident into revenue lost', () => {
    const a = new Analyst();
    a.reset(T0);
    a.incident(incident('inc-1', 'pay', T0, T0));
    const impact: Impact = { incidentId: 'inc-1', service: 'pay', priority: 'P1', usersAffected: 10, revenueAtRiskPerMin: 30, errorBudgetBurn: 100, interventionWorthIt: true, ts: T0 };
    a.impact(impact);
    a.impact({ ...impact, revenueAtRiskPerMin: 10, ts: T0 + 4 * MIN });
    a.incident(incident('inc-1', 'pay', T0, T0 + 10 * MIN + LAG, 'resolved'));
    expect(a.state().revenueLost).toBe(180); // 30 x 4 + 10 x 6
    expect(a.state().incidents.byPriority.P1).toBe(1);
  });

  it('analyst: reset forgets all history', () => {
    const a = new Analyst();
    episode(a, 'inc-1', 'api', T0, MIN);
    a.reset(T0 + HOUR);
    expect(a.state()).toMatchObject({ from: T0 + HOUR, incidents: { opened: 0, resolved: 0 }, services: {}, mttrS: null });
  });
});
