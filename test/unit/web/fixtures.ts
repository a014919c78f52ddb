import type { AggWindow, Alert, Incident } from '../../../runtime/contracts/index.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

export const T0 = Date.UTC(2026, 0, 5, 10, 0);
export const min = (n: number): number => T0 + n * 60_000;

const metric = (v: number) => ({ count: 6, mean: v, min: v, max: v, p50: v, p90: v, p99: v, last: v, rate: 0 });

/** One aggregator window of `service` ending at minute `m`. */
export function win(service: string, m: number, v: { cpu?: number; latency?: number; errors?: number; instances?: number } = {}): AggWindow {
  return {
    service, windowS: 60, start: min(m - 1), end: min(m), instances: v.instances ?? 3,
    metrics: { cpu: metric(v.cpu ?? 50), memory: metric(40), latency_ms: metric(v.latency ?? 50), error_rate: metric(v.errors ?? 0), rps: metric(100) },
    confirmedAlerts: [],
  };
}

export function alert(service: string, m: number, level: Alert['level'] = 'red', metricName = 'latency_ms'): Alert {
  return { id: `${service}:all:${metricName}:threshold:${min(m)}`, service, instance: 'all', metric: metricName, level, rule: 'threshold', value: 900, threshold: 500, since: min(m), ts: min(m) };
}

export function incident(id: string, service: string, m: number, status: Incident['status'], alertIds: string[], ts = min(m)): Incident {
  return {
    id, service, status, services: [service], alertIds, metrics: [`${service}.latency_ms`],
    rootCause: { service, metric: 'latency_ms', reason: 'only alerting service' }, candidates: [{ service, score: 0.9 }],
    pattern: 'single', severity: 'red', score: 0.8, confidence: 0.7, openedAt: min(m), revision: ++incidentRevisions, ts,
  };
}
