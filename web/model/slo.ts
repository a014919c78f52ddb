import type { AggWindow, CatalogEntry } from '../../runtime/contracts/index.js';

/** The availability objective the pages measure against (seed 004: 99.9 %, 43 min 12 s in 30 days). */
export const SLO_TARGET = 0.999;

/** Minutes of SLO violation a service may spend in 30 days at SLO_TARGET. */
export const MONTHLY_BUDGET_MIN = 30 * 24 * 60 * (1 - SLO_TARGET);

/** The SLO fields of a catalogue entry, with the catalogue's defaults when the service is unknown. */
export function sloOf(entry: CatalogEntry | undefined): { latencyMs: number; errorRate: number } {
  return { latencyMs: entry?.sloLatencyMs ?? 300, errorRate: entry?.sloErrorRate ?? 1 };
}

/** True when a window broke its service's SLO: mean latency above the objective or mean error rate above it. */
export function windowViolates(w: AggWindow, entry: CatalogEntry | undefined): boolean {
  const slo = sloOf(entry);
  const latency = w.metrics.latency_ms?.mean;
  const errors = w.metrics.error_rate?.mean;
  return (latency !== undefined && latency > slo.latencyMs) || (errors !== undefined && errors > slo.errorRate);
}

/** Share of the monthly error budget that `violationMin` minutes burn (1 = all of it). */
export function budgetBurnt(violationMin: number): number {
  return violationMin / MONTHLY_BUDGET_MIN;
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** Availability in percent (good windows over all windows), null before any window. */
export function availabilityPct(good: number, total: number): number | null {
  return total === 0 ? null : round((100 * good) / total, 3);
}
