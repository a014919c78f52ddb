import { Type, type Static } from '@sinclair/typebox';
import { Token, check, describeProblems, type ActionResult, type AggWindow, type CapacityPlan } from '../../../runtime/contracts/index.js';
import type { ScalingPolicy } from '../../../policies/schema.js';
import { limitsFor } from '../../../policies/scaling-decide.js';
import { readMetric } from '../../../policies/metric-read.js';
import { scaleOutAllowed } from '../../../policies/scaling-demand.js';
import { learnCapacity, learnPool, planFor, spread } from './capacity.js';
import { entriesOf, inheritedDemand, learnShare, type Edge } from './callers.js';

const Finite = Type.Number({ minimum: 0 });
/** What the planner keeps per service, as persisted in the agent's state (validated when read back). */
const ServicePlanState = Type.Object({
  capacity: Type.Union([Type.Null(), Type.Object({
    perInstanceRps: Type.Union([Finite, Type.Null()]), instances: Type.Integer({ minimum: 0 }), samples: Type.Integer({ minimum: 0 }),
  }, { additionalProperties: false })]),
  /** the rps mean of the last demand.noiseWindows windows (demand.trendWindows if more), oldest first */
  means: Type.Array(Type.Object({
    ts: Finite, rps: Finite,
    /** the window's spread of rps readings ((p90 - p50) / 1.28); absent in older states */
    noise: Type.Optional(Finite),
  }, { additionalProperties: false })),
  /** event time until which a capacity change settles (booting instances, transients): no learning before */
  settleUntil: Finite,
  /** the learnt share of the entry services' rps that reaches this service (callers.ts); absent in older states */
  share: Type.Optional(Type.Union([Finite, Type.Null()])),
  /** the last two windows as the services behind see them, and the last two forecasts they inherit */
  seen: Type.Optional(Type.Array(Type.Object({ end: Finite, rps: Finite, healthy: Type.Boolean() }, { additionalProperties: false }), { maxItems: 2 })),
  /** the pool's load per request (capacity.ts learnPool) and until when a pool resize settles; absent in older states */
  pool: Type.Optional(Type.Union([Type.Null(), Type.Object({
    usagePerRps: Finite, latencyMs: Type.Optional(Finite), samples: Type.Integer({ minimum: 0 }), settleUntil: Finite,
  }, { additionalProperties: false })])),
  forecasts: Type.Optional(Type.Array(Type.Object({
    end: Finite, horizonS: Finite, forecast: Finite, high: Finite, slopePerS: Type.Number(), scalable: Type.Boolean(),
  }, { additionalProperties: false }), { maxItems: 2 })),
}, { additionalProperties: false });
type ServicePlanState = Static<typeof ServicePlanState>;

/** The planner's learnt state (`saved` / `restore`): per service. */
export const PlannerState = Type.Record(Token, ServicePlanState);

/** Capacity-changing actions: while one settles, windows say nothing of an instance's (or the pool's) capacity. */
const CAPACITY_CHANGES = new Set(['scale-out', 'scale-in', 'scale-up', 'scale-down', 'pool-resize']);

/** Action ids remembered to count a re-sent result once (a resend comes within minutes). */
const SEEN_ACTIONS_KEPT = 1000;

/**
 * The per-service capacity plans of the predictor (capacity.ts holds the maths). It hears the
 * closed windows of the scaling policy's size and the results of the actuator: a capacity change
 * applied (or a duplicate of one) starts a settling period as long as the policy's validation of
 * that change (validation.windowS, scaleInWindowS for a scale-in) during which nothing is learnt;
 * a vertical change also scales what one instance serves by the ratio of the sizes, at once (the
 * way the instance count counts booting instances: the plan answers the capacity on its way).
 * `policyFor` gives the scaling policy of a service as the orchestrator applies it (catalogue
 * bounds and boot delay included), or null for a tier that is not scaled (no plan).
 */
export class CapacityPlanner {
  readonly #services = new Map<string, ServicePlanState>();
  readonly #seenActions = new Set<string>();
  #plans = 0;

  /** `graph` gives the catalogue's call graph (which service calls which), for demand from the entries. */
  constructor(private readonly policyFor: (service: string) => ScalingPolicy | null, private readonly graph: () => readonly Edge[] = () => []) {}

  /**
   * One closed window: its plan, or null (another window size, an unscaled tier). What comes from
   * the entry services is read from their previous window, which every replica order has
   * delivered by now: the plan does not depend on which window of this end came first.
   */
  window(w: AggWindow): CapacityPlan | null {
    const policy = this.policyFor(w.service);
    if (!policy || w.windowS !== policy.windowS) return null;
    const s = this.#get(w.service);
    const settling = w.end < s.settleUntil;
    if (!settling) s.capacity = learnCapacity(s.capacity, w, policy);
    if (w.start >= (s.pool?.settleUntil ?? 0)) {
      const learnt = learnPool(s.pool ?? null, w, policy);
      s.pool = learnt && { ...learnt, settleUntil: s.pool?.settleUntil ?? 0 };
    }
    const rps = w.metrics.rps;
    if (rps) s.means = [...s.means, { ts: w.end, rps: rps.mean, noise: spread(rps) }].slice(-Math.max(policy.demand.trendWindows, policy.demand.noiseWindows));
    const prevEnd = w.end - w.windowS * 1000;
    const entries = entriesOf(w.service, this.graph()).map((e) => this.#services.get(e));
    s.share = learnShare(s.share ?? null, at(s.seen, prevEnd), entries.map((e) => at(e?.seen, prevEnd)), prevEnd, policy.demand.learnWeight);
    const horizonS = limitsFor(policy, w.service).leadS;
    const inherited = inheritedDemand(s.share, entries.map((e) => at(e?.forecasts, prevEnd)), prevEnd, w.windowS, horizonS);
    const plan = planFor(w, s.capacity, settling, s.means, policy, inherited, s.pool ?? null);
    this.#remember(s, w, plan, policy);
    this.#plans++;
    return plan;
  }

  /** What the services behind this one read of it in the next window: its load, whether it was healthy, its forecast. */
  #remember(s: ServicePlanState, w: AggWindow, plan: CapacityPlan, policy: ScalingPolicy): void {
    const rps = readMetric(w, 'rps', 'mean');
    const cpu = readMetric(w, 'cpu', 'mean');
    const healthy = (readMetric(w, 'error_rate', 'mean') ?? 0) < 1 && (cpu === undefined || cpu <= policy.demand.learnCpuMax);
    if (rps !== undefined) s.seen = [...(s.seen ?? []), { end: w.end, rps, healthy }].slice(-2);
    const d = plan.demand;
    if (d) {
      const f = { end: w.end, horizonS: d.horizonS, forecast: d.forecast, high: d.high, slopePerS: d.slopePerS, scalable: scaleOutAllowed(w, policy) };
      s.forecasts = [...(s.forecasts ?? []), f].slice(-2);
    }
  }

  /**
   * An actuator's result: an applied capacity change starts its settling period (once per action);
   * a pool resize divides the pool's load per request by the ratio of the sizes, and the window
   * it lands in is not learnt from.
   */
  result(r: ActionResult): void {
    if (!CAPACITY_CHANGES.has(r.type) || (r.status !== 'applied' && r.status !== 'duplicate') || this.#seenActions.has(r.actionId)) return;
    const policy = this.policyFor(r.service);
    if (!policy) return;
    this.#seenActions.add(r.actionId);
    if (this.#seenActions.size > SEEN_ACTIONS_KEPT) this.#seenActions.delete(this.#seenActions.values().next().value as string);
    const v = policy.validation;
    const s = this.#get(r.service);
    if (r.type === 'pool-resize') {
      const ratio = sizeRatio(r);
      if (s.pool && ratio !== null) s.pool = { ...s.pool, usagePerRps: s.pool.usagePerRps / ratio, settleUntil: r.ts + policy.windowS * 1000 };
      return;
    }
    s.settleUntil = Math.max(s.settleUntil, r.ts + (r.type === 'scale-in' ? v.scaleInWindowS : v.windowS) * 1000);
    const resized = sizeRatio(r);
    if (resized !== null && s.capacity?.perInstanceRps != null) s.capacity = { ...s.capacity, perInstanceRps: s.capacity.perInstanceRps * resized };
  }

  /** What was learnt, to persist (a restarted predictor goes on from it rather than learning again). */
  saved(): Static<typeof PlannerState> {
    return Object.fromEntries([...this.#services.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Takes back a saved state; throws, naming the bad path, when it is not one (then nothing is taken). */
  restore(value: unknown): void {
    const r = check(PlannerState, value);
    if (!r.ok) throw new Error(describeProblems('predictor capacity state', r.problems));
    this.#services.clear();
    for (const [service, state] of Object.entries(r.value)) this.#services.set(service, structuredClone(state));
  }

  /** Forgets everything (a new simulated run). */
  reset(): void {
    this.#services.clear();
    this.#seenActions.clear();
    this.#plans = 0;
  }

  /** For `vigil inspect predictor`: plans published and what is learnt per service. */
  state(): unknown {
    const services = Object.fromEntries([...this.#services.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => [name, { perInstanceRps: s.capacity?.perInstanceRps ?? null, samples: s.capacity?.samples ?? 0, settleUntil: s.settleUntil || null, shareOfEntries: s.share ?? null }]));
    return { plans: this.#plans, services };
  }

  #get(service: string): ServicePlanState {
    let s = this.#services.get(service);
    if (!s) { s = { capacity: null, means: [], settleUntil: 0, share: null, seen: [], forecasts: [] }; this.#services.set(service, s); }
    return s;
  }
}

/** The entry of `list` for the window ending at `end`, or null. */
function at<T extends { end: number }>(list: readonly T[] | undefined, end: number): T | null {
  return list?.find((x) => x.end === end) ?? null;
}

/** after.size / before.size of an applied vertical change or pool resize, or null (another change, or sizes not reported). */
function sizeRatio(r: ActionResult): number | null {
  if (r.type !== 'scale-up' && r.type !== 'scale-down' && r.type !== 'pool-resize') return null;
  const before = r.before.size;
  const after = r.after.size;
  return typeof before === 'number' && typeof after === 'number' && before > 0 && after > 0 && Number.isFinite(after / before) ? after / before : null;
}
