/**
 * The pure decisions of the scaling machine (scaling.machine.ts): which triggers hold, how big a
 * change should be, and whether a change helped. No state of their own: everything comes in.
 */
import type { AggWindow, CapacityPlan, Forecast } from '../runtime/contracts/index.js';
import { desiredReplicas } from './hpa.js';
import { compare, conditionHolds, readMetric } from './metric-read.js';
import { planOfWindow, proposeDemand, scaleOutAllowed } from './scaling-demand.js';
import type { Condition, ScalingPolicy, Stat, Trigger } from './schema.js';
import { dict, own } from '../runtime/dict.js';

/** A metric the validation watches after a change, with its value before the change. */
export interface Watch {
  metric: string; stat: Stat; threshold: number; before: number | null;
  /** the trigger's onlyIf: over the threshold counts only while these hold (a scale-in is judged as the trigger would fire) */
  onlyIf?: Condition[];
}

/** A change the machine wants to make. `params` are absolute targets, with `from` to undo. */
export interface Proposal {
  type: 'scale-out' | 'scale-in' | 'scale-up' | 'scale-down';
  params: { instances?: number; size?: number; from: number };
  trigger: string;
  reason: string;
  cooldownS: number;
  /** 'improve': the watched metric must improve (or fall under its threshold); 'hold': must stay under */
  expect: 'improve' | 'hold';
  watch: Watch[];
  beforeRps: number | null;
  /** the CPU mean when proposed, where no watched metric is the CPU's own (a scale-out on latency or a queue) */
  beforeCpu?: number | null;
}

/** What the machine tracks between windows. */
export interface Observation {
  breaches: Record<string, number>; // trigger -> event time the continuous breach started
  lowSince: number | null;          // since when every recommendation (HPA's and capacity plan's) was below the instance count
  recs: { ts: number; replicas: number; rpsMean?: number }[];
  /** the busiest rps of each window of the last horizontal.scaleInMemoryS (absent in older snapshots) */
  peaks?: { ts: number; rps: number }[];
}

/** The instance count and size bounds of one service. */
export interface Limits {
  min: number; max: number; maxSize: number;
  /** how far ahead demand is planned: the service's boot delay plus half a window (the decision's own delay), else demand.leadS */
  leadS: number;
  /** the latency the service promises, if the catalogue says: a scale-in keeps latency under it */
  sloLatencyMs?: number;
}

/** Instance and size limits of a service (per-service overrides over the horizontal/vertical ones). */
export function limitsFor(policy: ScalingPolicy, service: string): Limits {
  const o = own(policy.services, service) ?? {};
  return {
    min: o.minInstances ?? policy.horizontal.minInstances,
    max: o.maxInstances ?? policy.horizontal.maxInstances,
    maxSize: o.maxSize ?? policy.vertical.maxSize,
    leadS: o.bootDelayS === undefined ? policy.demand.leadS : o.bootDelayS + policy.windowS / 2,
    ...(o.sloLatencyMs ? { sloLatencyMs: o.sloLatencyMs } : {}),
  };
}

const enabled = (policy: ScalingPolicy): [string, Trigger][] =>
  Object.entries(policy.triggers).filter(([, t]) => t.enabled);

/**
 * Updates breach streaks (a trigger breaches when over its threshold and its `onlyIf` holds) and the
 * scale-in history. A window's recommendation is the HPA formula's on CPU, raised to the instances
 * the predictor's plan of that window needs (`plan.needed`: the high end of the demand forecast at
 * the target utilisation): the model that sizes a scale-out also holds back the scale-in that would
 * undo it, so the two directions never disagree about the same demand.
 */
export function observe(prev: Observation, w: AggWindow, policy: ScalingPolicy, service: string, plan: CapacityPlan | null = null): Observation {
  const breaches: Record<string, number> = dict();
  const memoryMs = (policy.horizontal.scaleInMemoryS ?? 1800) * 1000;
  const peaks = [...(prev.peaks ?? []).filter((p) => p.ts > w.end - memoryMs), ...(w.metrics.rps ? [{ ts: w.end, rps: w.metrics.rps.max }] : [])];
  let over = false;
  for (const [name, t] of enabled(policy)) {
    const v = readMetric(w, t.metric, t.stat);
    if (v === undefined || v <= t.threshold || !t.onlyIf.every((c) => conditionHolds(w, c))) continue;
    over ||= t.kind === 'horizontal';
    breaches[name] = own(prev.breaches, name) ?? w.start;
  }
  const mean = readMetric(w, 'cpu', 'mean');
  // the busiest moment of the window, not its mean: a scale-in sized on the mean flaps with the noise
  const rps = w.metrics.rps;
  const cpu = mean === undefined ? undefined : rps && rps.mean > 0 ? mean * Math.max(1, rps.max / rps.mean) : mean;
  const { min, max, sloLatencyMs } = limitsFor(policy, service);
  const stabS = policy.horizontal.scaleDownStabilizationS;
  // a trigger that would scale out blocks a scale-in; one whose `onlyIf` fails (a slow partner's latency with an idle CPU) does not
  if (cpu === undefined || w.instances <= 0 || over) return { breaches, lowSince: null, recs: [], peaks };
  const raw = desiredReplicas(w.instances, cpu, policy.horizontal.targetCpu, policy.horizontal.tolerance);
  const planned = planOfWindow(plan, w)?.needed ?? 0;
  const rec = Math.min(Math.max(raw, planned, min, latencyFloor(w, sloLatencyMs)), max);
  const recs = [...prev.recs.filter((r) => r.ts > w.end - stabS * 1000), { ts: w.end, replicas: rec, rpsMean: w.metrics.rps?.mean }];
  const low = rec < w.instances;
  return { breaches, lowSince: low ? (prev.lowSince ?? w.start) : null, recs: low ? recs : [], peaks };
}

/**
 * The fewest instances that keep latency under the SLO if it grew with the load per instance:
 * latency p90 × current / m <= SLO. An upper bound (a dependency's share does not grow), so a
 * service whose callees already spend most of its budget is not scaled in to where its own
 * queueing would break the promise; 0 when the SLO or the latency is unknown.
 */
function latencyFloor(w: AggWindow, sloLatencyMs: number | undefined): number {
  const p90 = readMetric(w, 'latency_ms', 'p90');
  return sloLatencyMs === undefined || p90 === undefined ? 0 : Math.ceil((w.instances * p90) / sloLatencyMs);
}

const held = (obs: Observation, name: string, t: Trigger, w: AggWindow): boolean =>
  obs.breaches[name] !== undefined && w.end - obs.breaches[name] >= t.durationS * 1000;

/** At most max(+percent, +pods) in one step, and never above the maximum. */
function capUp(current: number, desired: number, policy: ScalingPolicy, max: number): number {
  const h = policy.horizontal;
  const limit = Math.max(Math.ceil(current * (1 + h.maxUpPercent / 100)), current + h.maxUpPods);
  return Math.min(desired, limit, max);
}

/**
 * The reactive decision on the latest window: the bigger of the demand scale-out (the predictor's
 * capacity plan, see scaling-demand.ts) and the horizontal trigger's (a trigger held for its duration: HPA
 * formula on CPU, proportional to the excess for latency and queue, at least +1), both only when
 * the scale-out guards hold; else vertical scale-up on a vertical trigger; else scale-in when
 * every recommendation of the stabilisation window was below the instance count. One change at
 * a time, never both kinds.
 */
export function proposeReactive(
  obs: Observation, w: AggWindow, policy: ScalingPolicy, service: string, size: number, plan: CapacityPlan | null = null,
): Proposal | null {
  const limits = limitsFor(policy, service);
  const triggered = proposeTriggered(obs, w, policy, limits);
  const demand = proposeDemand(w, plan, policy, limits, true, size);
  if (demand?.type === 'scale-up') return demand;
  if (triggered || demand) {
    return (demand?.params.instances ?? 0) > (triggered?.params.instances ?? 0) ? demand : triggered;
  }
  const holding = enabled(policy).filter(([name, t]) => held(obs, name, t, w));
  if (holding.some(([, t]) => t.kind === 'horizontal')) return null; // held, but a scale-out is not allowed or possible
  const vertical = holding.filter(([, t]) => t.kind === 'vertical');
  if (vertical.length > 0) {
    const [name, t] = vertical[0];
    const next = Math.min(round(size * policy.vertical.step), limits.maxSize);
    if (next <= size) return null;
    const v = readMetric(w, t.metric, t.stat) as number;
    return {
      type: 'scale-up', params: { size: next, from: size }, trigger: name, cooldownS: t.cooldownS,
      reason: `${t.metric} ${t.stat} ${round(v)} > ${t.threshold} for ${t.durationS} s`,
      expect: 'improve', watch: [{ metric: t.metric, stat: t.stat, threshold: t.threshold, before: v }], beforeRps: readMetric(w, 'rps', 'mean') ?? null,
    };
  }
  return proposeScaleIn(obs, w, policy, limits, readMetric(w, 'rps', 'mean') ?? null, plan?.capacity.perInstanceRps ?? null, size);
}

/** The scale-out of the horizontal trigger that asks for the most instances, if one held and the guards allow it. */
function proposeTriggered(obs: Observation, w: AggWindow, policy: ScalingPolicy, { max }: Limits): Proposal | null {
  const current = w.instances;
  const rps = readMetric(w, 'rps', 'mean') ?? null;
  const horizontal = enabled(policy).filter(([name, t]) => t.kind === 'horizontal' && held(obs, name, t, w));
  if (horizontal.length > 0 && current > 0 && scaleOutAllowed(w, policy)) {
    let best: { name: string; t: Trigger; desired: number; v: number } | null = null;
    for (const [name, t] of horizontal) {
      const v = readMetric(w, t.metric, t.stat) as number;
      const raw = t.metric === 'cpu'
        ? desiredReplicas(current, v, policy.horizontal.targetCpu, policy.horizontal.tolerance)
        : Math.ceil(current * (v / t.threshold));
      const desired = Math.max(raw, current + 1);
      if (!best || desired > best.desired) best = { name, t, desired, v };
    }
    const b = best as { name: string; t: Trigger; desired: number; v: number };
    const target = capUp(current, b.desired, policy, max);
    if (target <= current) return null;
    return {
      type: 'scale-out', params: { instances: target, from: current }, trigger: b.name, cooldownS: b.t.cooldownS,
      reason: `${b.t.metric} ${b.t.stat} ${round(b.v)} > ${b.t.threshold} for ${b.t.durationS} s`,
      expect: 'improve', watch: [{ metric: b.t.metric, stat: b.t.stat, threshold: b.t.threshold, before: b.v }], beforeRps: rps,
      beforeCpu: readMetric(w, 'cpu', 'mean') ?? null,
    };
  }
  return null;
}

/**
 * The instances the busiest moment of the stabilisation window needs at the target utilisation:
 * the window's peak rps carries the noise, and the demand trigger sits above the target, so a
 * scale-in to this count leaves the noise room before it would scale out again (hysteresis sized
 * from the noise, not from a constant).
 */
function noiseFloor(obs: Observation, policy: ScalingPolicy, per: number | null, leadS: number): number {
  if (!per || per <= 0) return 0;
  const peak = Math.max(0, ...(obs.peaks ?? []).map((p) => p.rps));
  // a load still rising over the window (a daily cycle's morning) keeps rising for as long as a new
  // instance takes to boot after the next scale-out: size for where it will be then
  const means = obs.recs.filter((r) => r.rpsMean !== undefined);
  const spanS = means.length > 1 ? (means[means.length - 1].ts - means[0].ts) / 1000 : 0;
  const trend = spanS > 0 ? Math.max(0, (means[means.length - 1].rpsMean! - means[0].rpsMean!) / spanS) : 0;
  const need = Math.max(peak, (means.at(-1)?.rpsMean ?? 0) + trend * (policy.horizontal.scaleDownStabilizationS + leadS));
  return Math.ceil(need / (per * (policy.horizontal.targetCpu / 100)));
}

/**
 * The scale-in once every recommendation of the stabilisation window stayed below the instance
 * count. A service grown vertically for a surge its maximum count could not serve (scaling-demand.ts)
 * shrinks back first: the same capacity in instances of a smaller size, down to vertical.minSize,
 * then instances as usual.
 */
function proposeScaleIn(obs: Observation, w: AggWindow, policy: ScalingPolicy, { min, leadS }: Limits, rps: number | null, per: number | null, size: number): Proposal | null {
  const stabS = policy.horizontal.scaleDownStabilizationS;
  if (Object.keys(obs.breaches).length > 0 || obs.lowSince === null || w.end - obs.lowSince < stabS * 1000) return null;
  const current = w.instances;
  const highest = Math.max(...obs.recs.map((r) => r.replicas), noiseFloor(obs, policy, per, leadS));
  const floor = Math.floor(current * (1 - policy.horizontal.maxDownPercent / 100));
  const target = Math.max(highest, floor, min);
  if (target >= current) return null;
  const watch = enabled(policy).filter(([, t]) => t.kind === 'horizontal')
    .map(([, t]) => ({ metric: t.metric, stat: t.stat, threshold: t.threshold, before: readMetric(w, t.metric, t.stat) ?? null, onlyIf: t.onlyIf }));
  const common = { trigger: 'scale-in', cooldownS: policy.horizontal.scaleInCooldownS, expect: 'hold' as const, watch, beforeRps: rps };
  const smaller = Math.max(policy.vertical.minSize, Math.ceil(size * target / current * 100) / 100);
  // a smaller instance must not cross a vertical trigger (memory held per instance grows as it shrinks)
  const fits = enabled(policy).filter(([, t]) => t.kind === 'vertical')
    .every(([, t]) => (readMetric(w, t.metric, t.stat) ?? 0) * size / smaller <= t.threshold);
  if (smaller < size && fits) {
    return { ...common, type: 'scale-down', params: { size: smaller, from: size }, reason: `every recommendation of the last ${stabS} s was <= ${highest} < ${current} instances: size ${size} -> ${smaller} first` };
  }
  return {
    ...common, type: 'scale-in', params: { instances: target, from: current },
    reason: `every recommendation of the last ${stabS} s was <= ${highest} < ${current} instances`,
  };
}

/**
 * Predictive pre-scaling: a cpu forecast (percent) or an rps forecast (projected onto cpu with
 * the latest window) that crosses the cpu trigger within the horizon, with enough confidence,
 * sizes a scale-out with the HPA formula before the peak arrives. Only when the forecast sees
 * saturation within its horizon, and the latest window still rises at half the forecast's slope
 * or more: a step that already happened fits a line too. When the window has a capacity plan, its
 * demand must be rising beyond the noise of the window means as well: a line through ten noisy
 * minutes, drawn ten minutes on, projects a surge out of an ordinary swing.
 */
export function proposePredictive(f: Forecast, w: AggWindow | null, policy: ScalingPolicy, service: string, plan: CapacityPlan | null = null): Proposal | null {
  const p = policy.predictive;
  const cpuTrigger = Object.values(policy.triggers).find((t) => t.metric === 'cpu' && t.kind === 'horizontal' && t.enabled);
  if (!p.enabled || !cpuTrigger || !w || w.instances <= 0 || !scaleOutAllowed(w, policy)) return null;
  const demand = planOfWindow(plan, w)?.demand;
  if (demand && demand.slopePerS <= 0) return null;
  if (!p.metrics.includes(f.metric) || f.confidence < p.minConfidence || f.horizonS > p.horizonS) return null;
  if (f.timeToSaturationS === null || f.timeToSaturationS > f.horizonS) return null; // a rise is not a peak
  if ((w.metrics[f.metric]?.rate ?? 0) < 0.5 * f.slopePerS) return null;
  const cpuNow = readMetric(w, 'cpu', 'mean');
  let projected: number | undefined;
  if (f.metric === 'cpu') projected = f.predicted;
  else if (f.metric === 'rps' && cpuNow !== undefined && f.current > 0) projected = cpuNow * (f.predicted / f.current);
  if (projected === undefined || projected <= cpuTrigger.threshold) return null;
  if (cpuNow !== undefined && cpuNow > cpuTrigger.threshold) return null; // already breaching: reactive path
  const { max } = limitsFor(policy, service);
  const current = w.instances;
  const target = capUp(current, Math.max(Math.ceil(current * (projected / policy.horizontal.targetCpu)), current + 1), policy, max);
  if (target <= current) return null;
  return {
    type: 'scale-out', params: { instances: target, from: current }, trigger: 'predictive', cooldownS: cpuTrigger.cooldownS,
    reason: `forecast ${f.metric} ${round(f.predicted)} in ${f.horizonS} s projects cpu ${round(projected)} > ${cpuTrigger.threshold}`,
    expect: 'improve', watch: [{ metric: 'cpu', stat: 'mean', threshold: cpuTrigger.threshold, before: cpuNow ?? null }],
    beforeRps: readMetric(w, 'rps', 'mean') ?? null,
  };
}

/** One post-change window as the validation keeps it. */
export interface Sample { values: Record<string, number>; rps: number | null }

/** What a post-change window says about the watched metrics (their onlyIf metrics, the CPU mean) and the load, rps. */
export function sampleOf(w: AggWindow, watch: Watch[]): Sample {
  const values: Record<string, number> = dict();
  const read = [...watch.flatMap((m) => [[m.metric, m.stat] as const, ...(m.onlyIf ?? []).map((c) => [c.metric, c.stat] as const)]), ['cpu', 'mean'] as const];
  for (const [metric, stat] of read) {
    const v = readMetric(w, metric, stat);
    if (v !== undefined && !Object.hasOwn(values, metric)) values[metric] = v;
  }
  return { values, rps: readMetric(w, 'rps', 'mean') ?? null };
}

type Judged = Pick<Proposal, 'type' | 'params' | 'expect' | 'watch' | 'beforeRps' | 'beforeCpu'>;

/**
 * The CPU the instances before a scale-out would run at under the load measured after it, or
 * null: not a scale-out, the CPU or load unknown, or a CPU that does not follow the load (CPU
 * time per request grew by more than the HPA's tolerance after the change: a burn of its own that
 * instances neither cause nor relieve). Over the target, the added instances carry load the old
 * count could not: undoing them cannot help, whatever the watched metric says (a queue or a
 * latency held up by a saturated callee).
 */
function cpuWithoutTheScaleOut(p: Judged, settled: Sample[], rpsAfter: number | null, policy: ScalingPolicy): number | null {
  const before = p.beforeCpu ?? p.watch.find((m) => m.metric === 'cpu' && m.stat === 'mean')?.before ?? null;
  const cpu = settled.map((s) => s.values.cpu).filter((v): v is number => v !== undefined);
  const to = p.params.instances;
  if (p.type !== 'scale-out' || !to || p.params.from <= 0 || cpu.length === 0 || before === null || !p.beforeRps || !rpsAfter) return null;
  const after = cpu.reduce((a, b) => a + b, 0) / cpu.length;
  const perRequestBefore = (before * p.params.from) / p.beforeRps;
  const perRequestAfter = (after * to) / rpsAfter;
  // a saturated CPU before understates its time per request (the load over capacity queued): no test then
  const burn = before < policy.demand.saturationCpu && perRequestAfter > perRequestBefore * (1 + policy.horizontal.tolerance);
  return burn ? null : after * (to / p.params.from);
}

/** The validation's conclusion, with the numbers behind it for the audit trail. */
export type Verdict = {
  verdict: 'kept' | 'rollback' | 'inconclusive';
  /** kept, but a watched metric is still over its threshold (the change helped, not enough) */
  stillBreaching?: boolean;
  detail: Record<string, unknown>;
};

/**
 * Did the change help? Reads the settled half of the post-change windows (the first ones still
 * carry boot transients). 'hold': every watched metric stays under its threshold. 'improve': the
 * watched metric is under its threshold, or improved by `minImprovement` (per request when
 * normaliseBy = rps, so a load that kept growing is not mistaken for a failure).
 */
export function judge(p: Judged, samples: Sample[], policy: ScalingPolicy): Verdict {
  const settled = samples.slice(Math.floor(samples.length / 2));
  if (settled.length === 0) return { verdict: 'inconclusive', detail: { reason: 'no window after the change' } };
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rpsAfter = settled.every((s) => s.rps !== null) ? avg(settled.map((s) => s.rps as number)) : null;
  const detail: Record<string, unknown> = { samples: settled.length, beforeRps: p.beforeRps, afterRps: rpsAfter };
  let stillBreaching = false;
  for (const m of p.watch) {
    const vals = settled.map((s) => s.values[m.metric]).filter((v): v is number => v !== undefined);
    if (vals.length === 0) continue;
    const after = avg(vals);
    detail[m.metric] = { before: m.before, after: round(after), threshold: m.threshold };
    if (p.expect === 'hold') {
      const counts = (m.onlyIf ?? []).every((c) => {
        const cv = settled.map((x) => x.values[c.metric]).filter((v): v is number => v !== undefined);
        return cv.length === 0 ? c.ifMissing === 'pass' : compare(avg(cv), c.op, c.value);
      });
      if (after > m.threshold && counts) return { verdict: 'rollback', detail: { ...detail, reason: `${m.metric} ${round(after)} > ${m.threshold} after the change` } };
      continue;
    }
    if (after <= m.threshold || m.before === null) continue;
    stillBreaching = true;
    const perLoad = policy.validation.normaliseBy === 'rps' && p.beforeRps && rpsAfter;
    const b = perLoad ? m.before / (p.beforeRps as number) : m.before;
    const a = perLoad ? after / (rpsAfter as number) : after;
    const gain = b > 0 ? (b - a) / b : 0;
    detail.improvement = round(gain);
    if (gain >= policy.validation.minImprovement) continue;
    const without = cpuWithoutTheScaleOut(p, settled, rpsAfter, policy);
    if (without !== null && without > policy.horizontal.targetCpu) {
      detail.needed = `${m.metric} did not improve, but the ${p.params.from} instances before would run at ${round(without)} % CPU`;
      continue;
    }
    return { verdict: 'rollback', detail: { ...detail, reason: `${m.metric} did not improve (${round(gain * 100)} %${perLoad ? ' per request' : ''})` } };
  }
  return { verdict: 'kept', stillBreaching, detail: { ...detail, stillBreaching } };
}

/** What identifies a proposal for the forecast-only notes: its type and target. */
export function proposalKey(p: Proposal | null): string {
  return p ? `${p.type}:${p.params.instances ?? p.params.size}` : '';
}

/** Whether a forecast-only proposal is worth a note: a new target, or its cooldown since the last note passed. */
export function freshForecastNote(last: { key: string; ts: number } | null, p: Proposal, now: number): boolean {
  return !last || last.key !== proposalKey(p) || now - last.ts >= p.cooldownS * 1000;
}

/** Two decimals, for readable params and audit details. */
export function round(x: number): number {
  return Math.round(x * 100) / 100;
}
