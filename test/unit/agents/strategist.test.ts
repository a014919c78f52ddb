import { describe, expect, it } from 'vitest';
import { Strategist, type Catalog } from '../../../agents/top/strategist/brain.js';
import { priorityOf, shareAbove } from '../../../agents/top/strategist/impact.js';
import type { AggWindow, CatalogEntry, Forecast, Incident, MetricWindow } from '../../../runtime/contracts/index.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

const T0 = 1_700_000_100_000;
const thresholds = { majorUsersShare: 0.2, minorUsersShare: 0.05, massUsersShare: 0.5 };

function entry(service: string, e: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    service, tier: 'app', owner: 'team', criticality: 'medium', dependsOn: [], users: 0, billable: false,
    unitPrice: 0, sloLatencyMs: 300, sloErrorRate: 1, ...e,
  };
}

function catalogOf(...entries: CatalogEntry[]): Catalog {
  const map = new Map(entries.map((e) => [e.service, e]));
  return { get: (s) => map.get(s), all: () => [...map.values()] };
}

function stat(mean: number, extra: Partial<MetricWindow> = {}): MetricWindow {
  return { count: 6, mean, min: mean, max: mean, p50: mean, p90: mean, p99: mean, last: mean, rate: 0, ...extra };
}

function window(service: string, metrics: Record<string, MetricWindow>, instances = 2): AggWindow {
  return { service, windowS: 60, start: T0, end: T0 + 60_000, instances, metrics, confirmedAlerts: [] };
}

function incident(service: string, services = [service], status: Incident['status'] = 'open'): Incident {
  return {
    id: `inc-${service}-${T0}`, service, status, services, alertIds: ['a1'], metrics: [`${service}.error_rate`],
    rootCause: { service, metric: 'error_rate', reason: 'test' }, candidates: [{ service, score: 1 }],
    pattern: 'single', severity: 'red', score: 0.7, confidence: 0.8, openedAt: T0, revision: ++incidentRevisions, ts: T0 + 60_000,
  };
}

const pay = entry('pay', { criticality: 'critical', users: 1000, billable: true, unitPrice: 0.05, dependsOn: ['db'] });
const db = entry('db', { criticality: 'high', users: 0, tier: 'database' });

describe('strategist', () => {
  it('strategist: a billable service failing 10 % of 100 rps puts rps x 60 x price x share at risk, P1', () => {
    const s = new Strategist();
    const cat = catalogOf(pay, db);
    s.window(window('pay', { rps: stat(100), error_rate: stat(10), latency_ms: stat(120) }), cat);
    const [impact] = s.incident(incident('pay'), cat);
    expect(impact.revenueAtRiskPerMin).toBeCloseTo(30); // 100 * 60 * 0.05 * 0.1
    expect(impact.priority).toBe('P1');
    expect(impact.usersAffected).toBe(100);
    expect(impact.errorBudgetBurn).toBeCloseTo(100); // 0.1 / 0.001
    expect(impact.interventionWorthIt).toBe(true);
  });

  it('strategist: an older update of an incident come after a newer one is not assessed', () => {
    const s = new Strategist();
    const cat = catalogOf(pay, db);
    s.window(window('pay', { rps: stat(100), error_rate: stat(10), latency_ms: stat(120) }), cat);
    const older = incident('pay');
    const newer = { ...incident('pay', ['db', 'pay']), service: 'db' };
    expect(s.incident(newer, cat)).toHaveLength(1);
    expect(s.incident(older, cat)).toEqual([]);
  });

  it('strategist: a failing dependency puts the revenue of its billable dependents at risk', () => {
    const s = new Strategist();
    const cat = catalogOf(pay, db);
    s.window(window('pay', { rps: stat(100), error_rate: stat(0) }), cat);
    s.window(window('db', { error_rate: stat(50) }), cat);
    const [impact] = s.incident(incident('db'), cat);
    expect(impact.revenueAtRiskPerMin).toBeCloseTo(150); // 100 * 60 * 0.05 * 0.5
    expect(impact.priority).toBe('P1'); // the billable dependent is critical
  });

  it('strategist: requests over the SLO latency count as hit, read off the window quantiles', () => {
    const latency = stat(300, { min: 100, p50: 200, p90: 400, p99: 800, max: 1000 });
    expect(shareAbove(latency, 300)).toBeCloseTo(0.3);
    expect(shareAbove(latency, 50)).toBe(1);
    expect(shareAbove(latency, 1000)).toBe(0);
    const s = new Strategist();
    const cat = catalogOf(entry('web', { users: 500, criticality: 'high' }));
    s.window(window('web', { latency_ms: latency, rps: stat(10) }), cat);
    const [impact] = s.incident(incident('web'), cat);
    expect(impact.usersAffected).toBe(150);
    expect(impact.priority).toBe('P2');
  });

  it('strategist: follows the priority table', () => {
    expect(priorityOf('critical', 0, 0, thresholds)).toBe('P2');
    expect(priorityOf('critical', 0, 0.25, thresholds)).toBe('P1');
    expect(priorityOf('high', 0, 0.6, thresholds)).toBe('P1');
    expect(priorityOf('high', 0, 0.01, thresholds)).toBe('P3');
    expect(priorityOf('medium', 0, 0.1, thresholds)).toBe('P3');
    expect(priorityOf('medium', 0, 0.6, thresholds)).toBe('P2');
    expect(priorityOf('low', 5, 0, thresholds)).toBe('P3');
    expect(priorityOf('low', 0, 0.01, thresholds)).toBe('P4');
  });

  it('strategist: a confident forecast of saturation within the horizon raises the priority one level', () => {
    const s = new Strategist();
    const cat = catalogOf(entry('batch', { criticality: 'medium' }));
    const [before] = s.incident(incident('batch'), cat);
    expect(before.priority).toBe('P4');
    const f: Forecast = {
      service: 'batch', metric: 'cpu', method: 'linear', current: 80, horizonS: 600, predicted: 110, slopePerS: 0.05,
      saturation: 90, timeToSaturationS: 200, confidence: 0.9, ts: T0 + 120_000,
    };
    expect(s.forecast(f, cat)).toEqual([expect.objectContaining({ priority: 'P3' })]);
  });

  it('strategist: an intervention is not worth it when nothing is at risk', () => {
    const s = new Strategist();
    const cat = catalogOf(entry('cron', { criticality: 'low' }));
    s.window(window('cron', { cpu: stat(95) }, 4), cat);
    const [impact] = s.incident(incident('cron'), cat);
    expect(impact).toMatchObject({ priority: 'P4', revenueAtRiskPerMin: 0, interventionWorthIt: false });
  });

  it('strategist: publishes a new impact only on a material change, and forgets resolved incidents', () => {
    const s = new Strategist();
    const cat = catalogOf(pay, db);
    s.window(window('pay', { rps: stat(100), error_rate: stat(10) }), cat);
    s.incident(incident('pay'), cat);
    expect(s.window(window('pay', { rps: stat(100), error_rate: stat(10.5) }), cat)).toEqual([]);
    expect(s.window(window('pay', { rps: stat(100), error_rate: stat(20) }), cat)).toHaveLength(1);
    expect(s.incident(incident('pay', ['pay'], 'resolved'), cat)).toEqual([]);
    expect(s.window(window('pay', { rps: stat(100), error_rate: stat(90) }), cat)).toEqual([]);
  });
});
