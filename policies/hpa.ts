/**
 * A Kubernetes-HPA compatible horizontal computation (autoscaling/v2 algorithm and default
 * behaviour), as pure functions over an explicit history, plus `HpaScaler`, the stateful
 * wrapper the simulator's "plain HPA" baseline uses. Times are event time in ms; windows and
 * periods in seconds, as in the HPA `behavior` field.
 */

/** One rate policy of an HPA `behavior`: at most `value` pods / percent per `periodS`. */
export interface HpaRatePolicy { type: 'Pods' | 'Percent'; value: number; periodS: number }

/** One direction of an HPA `behavior`. `Max` picks the policy allowing the biggest change. */
export interface HpaRules {
  stabilizationWindowS: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: HpaRatePolicy[];
}

/** An HPA's configuration: target, tolerance, bounds and `behavior` (Kubernetes autoscaling/v2 semantics). */
export interface HpaConfig {
  /** Target average utilisation, percent of the request (70 = 70 %). */
  targetUtilization: number;
  /** No change while |observed/target - 1| <= tolerance (Kubernetes default 0.1). */
  tolerance: number;
  minReplicas: number;
  maxReplicas: number;
  scaleUp: HpaRules;
  scaleDown: HpaRules;
}

/** Kubernetes defaults: up 0 s stabilisation, max(100 %, 4 pods) per 15 s; down 300 s, 100 % per 15 s. */
export const HPA_DEFAULTS: HpaConfig = {
  targetUtilization: 70,
  tolerance: 0.1,
  minReplicas: 1,
  maxReplicas: 100,
  scaleUp: {
    stabilizationWindowS: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 4, periodS: 15 }, { type: 'Percent', value: 100, periodS: 15 }],
  },
  scaleDown: { stabilizationWindowS: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodS: 15 }] },
};

/** What the HPA remembers between evaluations: raw recommendations and the scale events it made. */
export interface HpaHistory {
  recommendations: { ts: number; replicas: number }[];
  scaleEvents: { ts: number; change: number }[]; // change > 0: added, < 0: removed
}

/** The history of an HPA that never ran. */
export const emptyHpaHistory = (): HpaHistory => ({ recommendations: [], scaleEvents: [] });

/**
 * desired = ceil(current × observed / target); `current` when the ratio is within the
 * tolerance of 1. Example (Kubernetes docs): 1 replica, 200m observed for 100m target → 2.
 */
export function desiredReplicas(current: number, observed: number, target: number, tolerance: number): number {
  const ratio = observed / target;
  if (Math.abs(ratio - 1) <= tolerance) return current;
  return Math.ceil(current * ratio);
}

/** One pod's utilisation (percent of its request); null = no metric; ready false = not yet ready. */
export interface PodMetric { utilization: number | null; ready?: boolean }

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The replica calculator over individual pods: the average of the pods that are ready and have
 * a metric; then, as Kubernetes does, missing pods count as max(100 %, target) on a scale-down
 * and 0 % on a scale-up, unready pods 0 % on a scale-up, and no change if that reverses the
 * direction or lands within the tolerance. Throws when no pod has a usable metric.
 */
export function desiredFromPods(pods: PodMetric[], target: number, tolerance: number): number {
  const current = pods.length;
  const ready = pods.filter((p) => p.ready !== false && p.utilization !== null).map((p) => p.utilization as number);
  const missing = pods.filter((p) => p.ready !== false && p.utilization === null).length;
  const unready = pods.filter((p) => p.ready === false).length;
  if (ready.length === 0) throw new Error('hpa: no ready pod with a metric');
  const ratio = mean(ready) / target;
  const scaleUpWithUnready = unready > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing === 0) {
    return Math.abs(1 - ratio) <= tolerance ? current : Math.ceil(ratio * ready.length);
  }
  const filled = [...ready];
  if (missing > 0 && ratio < 1) filled.push(...Array<number>(missing).fill(Math.max(100, target)));
  if (missing > 0 && ratio > 1) filled.push(...Array<number>(missing).fill(0));
  if (scaleUpWithUnready) filled.push(...Array<number>(unready).fill(0));
  const newRatio = mean(filled) / target;
  if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return current;
  const next = Math.ceil(newRatio * filled.length);
  if ((newRatio < 1 && next > current) || (newRatio > 1 && next < current)) return current;
  return next;
}

/**
 * Stabilisation: scale up to at most the LOWEST recommendation of the scale-up window and
 * down to at least the HIGHEST recommendation of the scale-down window (both include `desired`).
 */
export function stabilize(history: HpaHistory, current: number, desired: number, now: number, cfg: HpaConfig): number {
  const upCutoff = now - cfg.scaleUp.stabilizationWindowS * 1000;
  const downCutoff = now - cfg.scaleDown.stabilizationWindowS * 1000;
  let up = desired;
  let down = desired;
  for (const r of history.recommendations) {
    if (r.ts > upCutoff) up = Math.min(up, r.replicas);
    if (r.ts > downCutoff) down = Math.max(down, r.replicas);
  }
  return Math.min(Math.max(current, up), down);
}

function changeInPeriod(events: HpaHistory['scaleEvents'], now: number, periodS: number, sign: 1 | -1): number {
  return events.filter((e) => e.ts > now - periodS * 1000 && Math.sign(e.change) === sign)
    .reduce((sum, e) => sum + Math.abs(e.change), 0);
}

/** The highest replica count the scale-up policies allow now. */
export function scaleUpLimit(history: HpaHistory, current: number, now: number, rules: HpaRules): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((p) => {
    const start = current - changeInPeriod(history.scaleEvents, now, p.periodS, 1) + changeInPeriod(history.scaleEvents, now, p.periodS, -1);
    return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
}

/** The lowest replica count the scale-down policies allow now (percent rounds the remainder down). */
export function scaleDownLimit(history: HpaHistory, current: number, now: number, rules: HpaRules): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((p) => {
    const start = current - changeInPeriod(history.scaleEvents, now, p.periodS, 1) + changeInPeriod(history.scaleEvents, now, p.periodS, -1);
    return p.type === 'Pods' ? start - p.value : Math.floor(start * (1 - p.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
}

/** Applies the rate policies and min/max replicas to a stabilised recommendation. */
export function rateLimit(history: HpaHistory, current: number, desired: number, now: number, cfg: HpaConfig): number {
  let out = desired;
  if (desired > current) out = Math.min(desired, Math.max(current, scaleUpLimit(history, current, now, cfg.scaleUp)), cfg.maxReplicas);
  else if (desired < current) out = Math.max(desired, Math.min(current, scaleDownLimit(history, current, now, cfg.scaleDown)), cfg.minReplicas);
  return Math.min(Math.max(out, cfg.minReplicas), cfg.maxReplicas);
}

/**
 * One HPA evaluation: raw desired (from an average utilisation or per-pod metrics) →
 * stabilisation → rate policies → [min, max]. Returns the new history (the raw recommendation
 * recorded, and a scale event if the result differs from `current`: the caller applies it).
 */
export function hpaStep(
  history: HpaHistory,
  input: { current: number; observed: number | PodMetric[]; now: number },
  cfg: HpaConfig = HPA_DEFAULTS,
): { history: HpaHistory; desired: number; raw: number } {
  const { current, observed, now } = input;
  const raw = typeof observed === 'number'
    ? desiredReplicas(current, observed, cfg.targetUtilization, cfg.tolerance)
    : desiredFromPods(observed, cfg.targetUtilization, cfg.tolerance);
  const stabilized = stabilize(history, current, raw, now, cfg);
  const desired = rateLimit(history, current, stabilized, now, cfg);
  const keepS = Math.max(cfg.scaleUp.stabilizationWindowS, cfg.scaleDown.stabilizationWindowS,
    ...cfg.scaleUp.policies.map((p) => p.periodS), ...cfg.scaleDown.policies.map((p) => p.periodS));
  const cutoff = now - keepS * 1000;
  const next: HpaHistory = {
    recommendations: [...history.recommendations.filter((r) => r.ts > cutoff), { ts: now, replicas: raw }],
    scaleEvents: history.scaleEvents.filter((e) => e.ts > cutoff),
  };
  if (desired !== current) next.scaleEvents.push({ ts: now, change: desired - current });
  return { history: next, desired, raw };
}

/** A partial HpaConfig; `scaleUp`/`scaleDown` replace the defaults wholesale when given. */
export type HpaOptions = Partial<HpaConfig>;

/**
 * A self-contained HPA: `recommend(current, observedUtil, now)` returns the replica count to
 * run. It assumes the caller applies each recommendation (the change is recorded as a scale
 * event for the rate policies). Pure apart from its own history; no timers, no wall clock.
 */
export class HpaScaler {
  readonly config: HpaConfig;
  #history: HpaHistory = emptyHpaHistory();

  constructor(options: HpaOptions = {}) {
    this.config = { ...HPA_DEFAULTS, ...options };
  }

  /** @param observedUtil average utilisation in percent, or per-pod metrics; @param now event time, ms */
  recommend(current: number, observedUtil: number | PodMetric[], now: number): number {
    const step = hpaStep(this.#history, { current, observed: observedUtil, now }, this.config);
    this.#history = step.history;
    return step.desired;
  }

  /** A copy of the history, for inspection or persistence. */
  history(): HpaHistory {
    return structuredClone(this.#history);
  }
}
