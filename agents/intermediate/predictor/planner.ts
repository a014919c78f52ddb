import type { ActionResult, AggWindow, CapacityPlan } from '../../../runtime/contracts/index.js';
import type { ScalingPolicy } from '../../../policies/schema.js';
import { learnCapacity, planFor, type Capacity } from './capacity.js';

/** What the planner keeps per service. */
interface ServicePlanState {
  capacity: Capacity | null;
  /** the rps mean of the last demand.trendWindows windows, oldest first */
  means: { ts: number; rps: number }[];
  /** event time until which a capacity change settles (booting instances, transients): no learning before */
  settleUntil: number;
}

/** Capacity-changing actions: while one settles, windows say nothing of an instance's capacity. */
const CAPACITY_CHANGES = new Set(['scale-out', 'scale-in', 'scale-up', 'scale-down']);

/** Action ids remembered to count a re-sent result once (a resend comes within minutes). */
const SEEN_ACTIONS_KEPT = 1000;

/**
 * The per-service capacity plans of the predictor (capacity.ts holds the maths). It hears the
 * closed windows of the scaling policy's size and the results of the actuator: a capacity change
 * applied (or a duplicate of one) starts a settling period as long as the policy's validation of
 * that change (validation.windowS, scaleInWindowS for a scale-in) during which nothing is learnt.
 * `policyFor` gives the scaling policy of a service as the orchestrator applies it (catalogue
 * bounds and boot delay included), or null for a tier that is not scaled (no plan).
 */
export class CapacityPlanner {
  readonly #services = new Map<string, ServicePlanState>();
  readonly #seenActions = new Set<string>();
  #plans = 0;

  constructor(private readonly policyFor: (service: string) => ScalingPolicy | null) {}

  /** One closed window: its plan, or null (another window size, an unscaled tier). */
  window(w: AggWindow): CapacityPlan | null {
    const policy = this.policyFor(w.service);
    if (!policy || w.windowS !== policy.windowS) return null;
    const s = this.#get(w.service);
    const settling = w.end < s.settleUntil;
    if (!settling) s.capacity = learnCapacity(s.capacity, w, policy);
    if (w.metrics.rps) s.means = [...s.means, { ts: w.end, rps: w.metrics.rps.mean }].slice(-policy.demand.trendWindows);
    this.#plans++;
    return planFor(w, s.capacity, settling, s.means, policy);
  }

  /** An actuator's result: an applied capacity change starts its settling period (once per action). */
  result(r: ActionResult): void {
    if (!CAPACITY_CHANGES.has(r.type) || (r.status !== 'applied' && r.status !== 'duplicate') || this.#seenActions.has(r.actionId)) return;
    const policy = this.policyFor(r.service);
    if (!policy) return;
    this.#seenActions.add(r.actionId);
    if (this.#seenActions.size > SEEN_ACTIONS_KEPT) this.#seenActions.delete(this.#seenActions.values().next().value as string);
    const v = policy.validation;
    const s = this.#get(r.service);
    s.settleUntil = Math.max(s.settleUntil, r.ts + (r.type === 'scale-in' ? v.scaleInWindowS : v.windowS) * 1000);
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
      .map(([name, s]) => [name, { perInstanceRps: s.capacity?.perInstanceRps ?? null, samples: s.capacity?.samples ?? 0, settleUntil: s.settleUntil || null }]));
    return { plans: this.#plans, services };
  }

  #get(service: string): ServicePlanState {
    let s = this.#services.get(service);
    if (!s) { s = { capacity: null, means: [], settleUntil: 0 }; this.#services.set(service, s); }
    return s;
  }
}
