/**
 * Demand scaling from the predictor's capacity plan (vigil.plan, agents/intermediate/predictor/
 * capacity.ts: the predictor owns demand and capacity): when the rps the plan forecasts at the
 * boot horizon would load the instances in place past `demand.triggerUtilisation` of the learnt
 * capacity, one scale-out sized to the HPA target at once (or, with the instances at their
 * maximum, one scale-up from the same model). A surge is answered on its first window instead of
 * after the CPU trigger's 5 minutes, and with a step big enough for instances that take a minute
 * or more to boot. Pure functions.
 */
import type { AggWindow, CapacityPlan } from '../runtime/contracts/index.js';
import { conditionHolds, readMetric } from './metric-read.js';
import type { ScalingPolicy } from './schema.js';
import type { Limits, Proposal } from './scaling-decide.js';

/** Whether every scale-out guard holds on the window (e.g. the traffic is not an attack). */
export function scaleOutAllowed(w: AggWindow | null, policy: ScalingPolicy): boolean {
  return w !== null && policy.horizontal.scaleOutGuards.every((c) => conditionHolds(w, c));
}

/** The plan of this very window (`plan.windowEnd` = the window's end), or null: an older plan sizes nothing. */
export function planOfWindow(plan: CapacityPlan | null, w: AggWindow): CapacityPlan | null {
  return plan !== null && plan.windowEnd === w.end ? plan : null;
}

/**
 * The demand change for the window, or null. Demand is the plan's rps at the boot horizon, over
 * what the instances in place (booting included) serve at the learnt capacity (at or above
 * `triggerUtilisation`) or, with `measuredCpu`, a window mean CPU at or above `saturationCpu`
 * (saturated whatever the rps: a hot code path, demand already measured). With the scale-out
 * guards, the instance count that serves that demand at the HPA's cpu target is the target, at
 * most +maxUpPercent. The count is absolute and counts the booting instances, so a step in flight
 * is not counted twice: while one boots the forecast still leads (the load keeps rising while the
 * next ones boot), only the CPU is left out (`measuredCpu` false: booting instances read none).
 * When that count is beyond the service's maximum and the instances are already there, the same
 * model sizes a vertical step instead (`scaleUp`): each instance grows by the demand's excess
 * over what the maximum serves, up to vertical.maxSize. Only the plan of this very window counts
 * for demand (`plan.windowEnd` = the window's end): without it (the predictor down or late) the
 * CPU saturation and the triggers still act.
 */
export function proposeDemand(
  w: AggWindow, plan: CapacityPlan | null, policy: ScalingPolicy, limits: Limits, measuredCpu = true, size = 1,
): Proposal | null {
  const d = policy.demand;
  const fresh = planOfWindow(plan, w);
  const per = fresh?.capacity.perInstanceRps ?? null;
  const current = w.instances;
  if (!d.enabled || current <= 0 || !scaleOutAllowed(w, policy)) return null;
  const demand = per !== null && per > 0 && fresh?.demand ? fresh.demand.forecast : null;
  const cpuNow = readMetric(w, 'cpu', 'mean') ?? null;
  const byRps = demand === null ? 0 : demand / ((per as number) * current);
  const byCpu = measuredCpu && cpuNow !== null && cpuNow >= d.saturationCpu ? cpuNow / 100 : 0;
  if (byRps < d.triggerUtilisation && byCpu === 0) return null;
  const utilisation = Math.max(byRps, byCpu);
  const desired = Math.ceil(current * utilisation / (policy.horizontal.targetCpu / 100) - 1e-9); // 12.000000000000002 is 12 instances
  const cpuTrigger = Object.values(policy.triggers).find((t) => t.metric === 'cpu' && t.kind === 'horizontal');
  const why = byRps >= byCpu
    ? `rps ${round(demand as number)} expected in ${fresh?.demand?.horizonS ?? limits.leadS} s${fresh?.demand?.fromEntries !== undefined ? ' (from the entry services)' : ''} = ${Math.round(byRps * 100)} % of ${current} x ${round(per as number)} rps`
    : `cpu ${round(cpuNow as number)} % saturates ${current} instances`;
  const change = {
    trigger: 'demand', cooldownS: cpuTrigger?.cooldownS ?? 900, expect: 'improve' as const,
    watch: [{ metric: 'cpu', stat: 'mean' as const, threshold: cpuTrigger?.threshold ?? policy.horizontal.targetCpu, before: cpuNow }],
    beforeRps: readMetric(w, 'rps', 'mean') ?? null,
  };
  // bigger instances only for instances that are busy: at the maximum count with an idle CPU, the
  // demand is held up elsewhere (a saturated dependency) and growing them would serve nothing more
  if (desired > limits.max && current >= limits.max) {
    if (cpuNow === null || cpuNow < policy.horizontal.targetCpu) return null;
    const next = Math.min(round(size * desired / current), limits.maxSize);
    if (next <= size) return null;
    return { ...change, type: 'scale-up', params: { size: next, from: size }, reason: `${why}: ${desired} instances needed, ${limits.max} at most` };
  }
  const step = Math.max(Math.ceil(current * (1 + d.maxUpPercent / 100)), current + policy.horizontal.maxUpPods);
  const target = Math.min(desired, step, limits.max);
  if (target <= current) return null;
  return { ...change, type: 'scale-out', params: { instances: target, from: current }, reason: why };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
