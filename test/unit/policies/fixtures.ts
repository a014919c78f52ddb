import type { AggWindow, ActionResult, MetricWindow } from '../../../runtime/contracts/index.js';

export const MIN = 60_000;
export const T0 = 1_700_000_000_000;

/** A metric window whose every statistic equals `v` (p90 and p99 as given when they matter). */
export function stat(v: number, extra: Partial<MetricWindow> = {}): MetricWindow {
  return { count: 6, mean: v, min: v, max: v, p50: v, p90: v, p99: v, last: v, rate: 0, ...extra };
}

/** The per-minute window of `service` number `minute` (ending at T0 + (minute+1) min). */
export function win(service: string, minute: number, instances: number, values: Record<string, number>): AggWindow {
  const metrics: Record<string, MetricWindow> = {};
  for (const [k, v] of Object.entries(values)) metrics[k] = stat(v);
  return { service, windowS: 60, start: T0 + minute * MIN, end: T0 + (minute + 1) * MIN, instances, metrics, confirmedAlerts: [] };
}

/** The actuator's answer to an action. */
export function result(actionId: string, service: string, type: ActionResult['type'], status: ActionResult['status'], ts: number,
  before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): ActionResult {
  return { actionId, service, type, status, before, after, ts };
}
