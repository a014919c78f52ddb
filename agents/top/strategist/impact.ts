import type { CatalogEntry, MetricWindow, Priority } from '../../../runtime/contracts/index.js';

type Criticality = CatalogEntry['criticality'];

/** The few window statistics the strategist reads per service. */
export interface ServiceLoad {
  rps: number | null;
  errorRate: MetricWindow | null;
  successRate: MetricWindow | null;
  latency: MetricWindow | null;
  instances: number;
}

/**
 * Share of a window's samples above `threshold`, read off its quantiles (min, p50, p90, p99,
 * max) by linear interpolation: 1 below the min, 0.5 at the median, 0 at or above the max.
 * `latency_ms` is a p95 per instance sample, so this is the share of instance-ticks whose
 * latency broke the SLO, used as the share of requests over it.
 */
export function shareAbove(w: MetricWindow, threshold: number): number {
  const knots: Array<[number, number]> = [[w.min, 1], [w.p50, 0.5], [w.p90, 0.1], [w.p99, 0.01], [w.max, 0]];
  if (threshold < w.min) return 1;
  if (threshold >= w.max) return 0;
  for (let i = 0; i < knots.length - 1; i++) {
    const [v0, f0] = knots[i];
    const [v1, f1] = knots[i + 1];
    if (threshold >= v0 && threshold < v1) return f0 + ((threshold - v0) / (v1 - v0)) * (f1 - f0);
  }
  return 0;
}

/**
 * Share of a service's requests that went bad (0-1): failed (error_rate, else 1 - success_rate)
 * or slower than the SLO latency, counted once: 1 - (1 - errors)(1 - slow).
 */
export function badShare(load: ServiceLoad | undefined, entry: Pick<CatalogEntry, 'sloLatencyMs'> | undefined): number {
  if (!load) return 0;
  const errors = load.errorRate ? load.errorRate.mean / 100 : load.successRate ? 1 - load.successRate.mean / 100 : 0;
  const slow = load.latency ? shareAbove(load.latency, entry?.sloLatencyMs ?? 300) : 0;
  return clamp01(1 - (1 - clamp01(errors)) * (1 - clamp01(slow)));
}

/** Thresholds of the priority table (part of the strategist config). */
export interface PriorityThresholds {
  /** Users hit above this share make an incident major (default 0.2). */
  majorUsersShare: number;
  /** Users hit above this share make an incident minor rather than none (default 0.05). */
  minorUsersShare: number;
  /** Users hit above this share lift high/medium services one level (default 0.5). */
  massUsersShare: number;
}

/**
 * The priority table. Columns: major = revenue at risk or users hit > majorUsersShare;
 * minor = users hit > minorUsersShare; none = otherwise.
 *
 * | criticality | major                    | minor | none |
 * |-------------|--------------------------|-------|------|
 * | critical    | P1                       | P2    | P2   |
 * | high        | P2 (P1 if > massUsers)   | P2    | P3   |
 * | medium      | P3 (P2 if > massUsers)   | P3    | P4   |
 * | low         | P3                       | P4    | P4   |
 */
export function priorityOf(criticality: Criticality, revenueAtRisk: number, usersShare: number, t: PriorityThresholds): Priority {
  const major = revenueAtRisk > 0 || usersShare > t.majorUsersShare;
  const minor = usersShare > t.minorUsersShare;
  const mass = usersShare > t.massUsersShare;
  switch (criticality) {
    case 'critical': return major ? 'P1' : 'P2';
    case 'high': return major ? (mass ? 'P1' : 'P2') : minor ? 'P2' : 'P3';
    case 'medium': return major ? (mass ? 'P2' : 'P3') : minor ? 'P3' : 'P4';
    default: return major ? 'P3' : 'P4';
  }
}

/** One level more urgent, never above `ceiling` (a forecast saturation lifts P3/P4, not to P1). */
export function raise(p: Priority, ceiling: Priority = 'P2'): Priority {
  const order: Priority[] = ['P1', 'P2', 'P3', 'P4'];
  const i = order.indexOf(p);
  return i <= order.indexOf(ceiling) ? p : order[i - 1];
}

const CRITICALITY_ORDER: readonly Criticality[] = ['low', 'medium', 'high', 'critical'];

/** The more critical of two criticalities. */
export function maxCriticality(a: Criticality, b: Criticality): Criticality {
  return CRITICALITY_ORDER.indexOf(a) >= CRITICALITY_ORDER.indexOf(b) ? a : b;
}

/** Revenue per minute at risk for a billable service: rps x 60 x unit price x bad share (seed 000). */
export function revenuePerMin(rps: number, unitPrice: number, share: number): number {
  return Math.max(0, rps) * 60 * unitPrice * clamp01(share);
}

/** Clamps to [0, 1]; NaN and infinities give 0. */
export function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
