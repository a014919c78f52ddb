/**
 * Demand scaling: the scaling machine learns how many requests/s one instance serves (from
 * healthy windows) and, when the rps the window's trend projects a little ahead would load the
 * instances in place past `demand.triggerUtilisation`, sizes one scale-out to the HPA target at
 * once. A surge is answered on its first window instead of after the CPU trigger's 5 minutes,
 * and with a step big enough for instances that take a minute or more to boot. Pure functions.
 */
import type { AggWindow } from '../runtime/contracts/index.js';
import { conditionHolds, readMetric } from './metric-read.js';
import type { ScalingPolicy } from './schema.js';
import type { Limits, Proposal } from './scaling-decide.js';

/** What the machine has learnt of a service's capacity. */
export interface Capacity {
  /** rps one instance serves at 100 % cpu (EWMA over healthy windows); null until learnt */
  perInstanceRps: number | null;
  /** the instance count of the last window, to learn only from windows after a stable count */
  instances: number;
  /** healthy windows learnt from */
  samples: number;
}

/**
 * Learns from one window: rps / (instances × cpu) when the instance count did not move (this
 * window and the previous one), the mean cpu lies in [learnCpuMin, learnCpuMax] (an idle reading
 * is noise, a saturated one hides the demand) and the service is not failing (error_rate < 1 %).
 */
export function learnCapacity(prev: Capacity | null, w: AggWindow, policy: ScalingPolicy): Capacity {
  const d = policy.demand;
  const base: Capacity = { perInstanceRps: prev?.perInstanceRps ?? null, instances: w.instances, samples: prev?.samples ?? 0 };
  const cpu = readMetric(w, 'cpu', 'mean');
  const rps = readMetric(w, 'rps', 'mean');
  const count = w.metrics.instances;
  const stable = prev !== null && prev.instances === w.instances && (!count || count.min === count.max);
  if (!stable || cpu === undefined || rps === undefined || w.instances <= 0) return base;
  if (cpu < d.learnCpuMin || cpu > d.learnCpuMax || (readMetric(w, 'error_rate', 'mean') ?? 0) >= 1) return base;
  const seen = rps / (w.instances * (cpu / 100));
  const per = base.perInstanceRps === null ? seen : base.perInstanceRps + d.learnWeight * (seen - base.perInstanceRps);
  return { perInstanceRps: per, instances: w.instances, samples: base.samples + 1 };
}

/** Whether every scale-out guard holds on the window (e.g. the traffic is not an attack). */
export function scaleOutAllowed(w: AggWindow | null, policy: ScalingPolicy): boolean {
  return w !== null && policy.horizontal.scaleOutGuards.every((c) => conditionHolds(w, c));
}

/**
 * The rps expected `leadS` ahead. The level is the window's mean, or its last reading when that
 * jumped beyond the window's noise (a surge of a minute or two shows there first). The trend is
 * the least-squares slope of the last window means (`history`, oldest first, the current window
 * last), counted only where it stands out of its own standard error `significance` times
 * (demand.trendSignificance). The noise is
 * the spread of the window's readings ((p90 - p50) / 1.28, a normal's sigma).
 */
export function projectedRps(w: AggWindow, leadS: number, history: readonly { ts: number; rps: number }[], significance: number): number | null {
  const rps = w.metrics.rps;
  if (!rps) return null;
  const noise = Math.max(0, (rps.p90 - rps.p50) / 1.28);
  const level = rps.last - rps.mean > significance * noise ? rps.last : rps.mean;
  return level + Math.max(0, significantSlope(history, significance)) * leadS;
}

/** Least-squares slope (per second) of the points, or 0 when fewer than 3 or within `significance` standard errors of 0. */
export function significantSlope(points: readonly { ts: number; rps: number }[], significance: number): number {
  const n = points.length;
  if (n < 3) return 0;
  const t0 = points[0].ts;
  const xs = points.map((p) => (p.ts - t0) / 1000);
  const mx = xs.reduce((a, x) => a + x, 0) / n;
  const my = points.reduce((a, p) => a + p.rps, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (xs[i] - mx) ** 2; sxy += (xs[i] - mx) * (points[i].rps - my); }
  if (sxx <= 0) return 0;
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (points[i].rps - (my + slope * (xs[i] - mx))) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return Math.abs(slope) > significance * se ? slope : 0;
}

/**
 * The demand scale-out for the window, or null. Demand is the rps projected `leadS` ahead over
 * what the instances in place (booting included) serve at the learnt capacity (at or above
 * `triggerUtilisation`) or, with `measuredCpu`, a window mean CPU at or above `saturationCpu`
 * (saturated whatever the rps: a hot code path, demand already measured). With the scale-out
 * guards, the target is that demand at the HPA's cpu target, at most +maxUpPercent.
 * While a step is in flight the caller passes `leadS` 0 and no CPU (booting instances read no
 * CPU yet): a follow-up answers the load measured, not a second extrapolation.
 */
export function proposeDemand(
  w: AggWindow, capacity: Capacity | null, policy: ScalingPolicy, limits: Limits, leadS = policy.demand.leadS, measuredCpu = true,
  history: readonly { ts: number; rps: number }[] = [],
): Proposal | null {
  const d = policy.demand;
  const per = capacity?.perInstanceRps ?? null;
  const current = w.instances;
  if (!d.enabled || current <= 0 || !scaleOutAllowed(w, policy)) return null;
  const demand = per !== null && per > 0 ? projectedRps(w, leadS, history, d.trendSignificance) : null;
  const cpuNow = readMetric(w, 'cpu', 'mean') ?? null;
  const byRps = demand === null ? 0 : demand / ((per as number) * current);
  const byCpu = measuredCpu && cpuNow !== null && cpuNow >= d.saturationCpu ? cpuNow / 100 : 0;
  if (byRps < d.triggerUtilisation && byCpu === 0) return null;
  const utilisation = Math.max(byRps, byCpu);
  const desired = Math.ceil(current * utilisation / (policy.horizontal.targetCpu / 100));
  const step = Math.max(Math.ceil(current * (1 + d.maxUpPercent / 100)), current + policy.horizontal.maxUpPods);
  const target = Math.min(desired, step, limits.max);
  if (target <= current) return null;
  const cpuTrigger = Object.values(policy.triggers).find((t) => t.metric === 'cpu' && t.kind === 'horizontal');
  const why = byRps >= byCpu
    ? `rps ${round(demand as number)} expected in ${leadS} s = ${Math.round(byRps * 100)} % of ${current} x ${round(per as number)} rps`
    : `cpu ${round(cpuNow as number)} % saturates ${current} instances`;
  return {
    type: 'scale-out', params: { instances: target, from: current }, trigger: 'demand', cooldownS: cpuTrigger?.cooldownS ?? 900,
    reason: why,
    expect: 'improve', watch: [{ metric: 'cpu', stat: 'mean', threshold: cpuTrigger?.threshold ?? policy.horizontal.targetCpu, before: cpuNow }],
    beforeRps: readMetric(w, 'rps', 'mean') ?? null,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
