/**
 * The pure parts of a remediation: which catalogue entry answers an incident, whether its
 * preconditions hold, what its post-validation says, and how a step is undone.
 */
import { ActionTypes, isUtilisation, type ActionType, type AggWindow, type CapacityPlan, type CatalogEntry, type Incident } from '../runtime/contracts/index.js';
import { bareMetric, compare, conditionHolds, readMetric } from './metric-read.js';
import type { CatalogueEntry, Check } from './schema.js';
import { dict } from '../runtime/dict.js';
import { median } from '../runtime/stats.js';

/**
 * The first catalogue entry (catalogue order is priority) with an `answers` rule matching the
 * incident's pattern and, when the rule names them, its root-cause metric and the root-cause
 * service's catalogue tier (`rootTier`; a rule naming tiers never matches an unknown tier).
 * Entries in `exclude` (already tried for this incident) are skipped. null: nothing in the
 * catalogue answers it (e.g. CPU saturation, which the scaling machine handles).
 */
export function selectEntry(
  catalogue: CatalogueEntry[], incident: Incident, exclude: readonly string[] = [], rootTier?: string,
): CatalogueEntry | null {
  const metric = bareMetric(incident.rootCause.metric);
  return catalogue.find((e) => !exclude.includes(e.id) && e.answers.some((r) => r.pattern === incident.pattern
    && (r.metric === undefined || r.metric === metric)
    && (r.tiers === undefined || (rootTier !== undefined && r.tiers.includes(rootTier))))) ?? null;
}

/** The preconditions of an entry that do not hold on the window (empty: all hold). */
export function failedPreconditions(entry: CatalogueEntry, window: AggWindow | undefined): string[] {
  return entry.preconditions.filter((c) => !conditionHolds(window, c))
    .map((c) => `${c.metric} ${c.stat} ${c.op} ${c.value} (is ${readMetric(window, c.metric, c.stat) ?? 'missing'})`);
}

/** The values a receipt records before acting: every metric's mean and the instance count. */
export function stateOf(window: AggWindow | undefined): { metrics: Record<string, number>; instances: number | null } {
  const metrics: Record<string, number> = dict();
  for (const [k, m] of Object.entries(window?.metrics ?? {})) metrics[k] = m.mean;
  return { metrics, instances: window?.instances ?? null };
}

/**
 * The entry with its preconditions and post-validation judged by the target service's own SLO
 * where they ask for it (`fromSlo`).
 */
export function withSloThreshold(entry: CatalogueEntry, service: CatalogEntry | undefined): CatalogueEntry {
  if (!service) return entry;
  const sloOf = (metric: string): number | undefined => (metric === 'latency_ms' ? service.sloLatencyMs : metric === 'error_rate' ? service.sloErrorRate : undefined);
  const check = entry.postValidation;
  const checkSlo = check.fromSlo ? sloOf(check.metric) : undefined;
  const preconditions = entry.preconditions.map((c) => {
    const slo = c.fromSlo ? sloOf(c.metric) : undefined;
    return slo === undefined ? c : { ...c, value: slo };
  });
  return { ...entry, preconditions, postValidation: checkSlo === undefined ? check : { ...check, threshold: checkSlo } };
}

/** The check's reading of one window, if the window carries the metric. */
export function checkSample(check: Check, window: AggWindow): number | undefined {
  const value = readMetric(window, check.metric, check.stat);
  if (check.ofMetric === undefined || value === undefined) return value;
  const whole = readMetric(window, check.ofMetric, check.stat);
  return whole === undefined || whole <= 0 ? undefined : value / whole;
}

/**
 * Whether the fault an entry fixed is back: a window that began after the fix ended reads its
 * post-validation check failing again (a leak refilling memory after a restart). False without
 * the reading.
 */
export function relapsed(entry: CatalogueEntry, window: AggWindow | undefined, fixEndedAt: number): boolean {
  if (!window || window.start < fixEndedAt) return false;
  const value = checkSample(entry.postValidation, window);
  return value !== undefined && !checkPasses(entry.postValidation, [value]);
}

/**
 * How much capacity the applied steps added: the product of after / before of each step's `size`
 * (a pool resize, a vertical change) or `instances`; 1 when none changed one.
 */
export function capacityAdded(steps: readonly { applied: boolean; before: Record<string, unknown>; after: Record<string, unknown> }[]): number {
  let ratio = 1;
  for (const s of steps) {
    if (!s.applied) continue;
    for (const k of ['size', 'instances']) {
      const b = s.before[k];
      const a = s.after[k];
      if (typeof b === 'number' && typeof a === 'number' && b > 0 && a > 0) ratio *= a / b;
    }
  }
  return ratio;
}

/** What post-validation saw of the service in one window besides its check: the demand and the latency. */
export interface WindowSeen { rps: number; latencyMs?: number }

/**
 * Whether a failed post-validation was failed by demand the fix was never sized for: the steps
 * added capacity (x`added` > 1), the service then received more than at the receipt, and
 *  - more than x`added` as much, or
 *  - it answered that larger demand faster than at the receipt (the fix carries more load, and
 *    sooner: slow queries and a surge together can fill even a pool ten times larger), or
 *  - for a check on a utilisation (a pool's usage, a CPU: demand over capacity), so much that the
 *    receipt's reading scaled by that demand and the capacity added fails the check.
 * Undoing it would take away capacity the service needs; it is kept, and a relapse sizes it
 * again for the demand then. Returns how much the demand grew, or null.
 */
export function outgrown(check: Check, receipt: Record<string, number> | undefined, added: number, seen: readonly WindowSeen[]): number | null {
  const before = receipt?.rps;
  if (added <= 1 || before === undefined || !(before > 0) || seen.length === 0) return null;
  const grew = mean(seen.map((w) => w.rps)) / before;
  if (grew <= 1) return null;
  if (grew > added) return grew;
  const latencies = seen.flatMap((w) => (w.latencyMs === undefined ? [] : [w.latencyMs]));
  const latencyBefore = receipt?.latency_ms;
  if (latencyBefore !== undefined && latencies.length > 0 && mean(latencies) < latencyBefore) return grew;
  const reading = receipt?.[check.metric];
  const projects = isUtilisation(check.metric) && check.stat === 'mean' && check.ofMetric === undefined && reading !== undefined;
  return projects && !checkPasses(check, [(reading * grew) / added]) ? grew : null;
}

/** Whether the post-validation passes on the samples gathered over its window. */
export function checkPasses(check: Check, samples: number[]): boolean {
  if (samples.length === 0) return false;
  if (check.aggregate === 'all') return samples.every((v) => compare(v, check.op, check.threshold));
  const value = check.aggregate === 'last' ? samples[samples.length - 1]
    : check.aggregate === 'max' ? Math.max(...samples)
      : check.aggregate === 'median' ? median(samples)
      : mean(samples);
  return compare(value, check.op, check.threshold);
}

/** The mean of values; xs is not empty. */
function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The compensating action of an applied step: ActionTypes' `undo`, with the actuator's `before`
 * as params (the state to restore) and `from` = the value it changes back from when the step
 * changed one number (e.g. pool-resize {size: 20, from: 30}). null: the step cannot be undone.
 */
export function compensation(
  type: ActionType, before: Record<string, unknown>, after: Record<string, unknown>,
): { type: ActionType; params: Record<string, unknown> } | null {
  const undo = ActionTypes[type].undo as ActionType | null;
  if (!undo) return null;
  const params: Record<string, unknown> = { ...before };
  const keys = Object.keys(before).filter((k) => typeof before[k] === 'number' && typeof after[k] === 'number');
  if (keys.length === 1) params.from = after[keys[0]];
  return { type: undo, params };
}

/** A phase parameter read from the service's latest window when the step is sent. */
interface MeasuredParam { fromMetric: string; stat?: 'mean' | 'p50' | 'p90' | 'p99' | 'max' | 'min' | 'last'; times?: number; otherwise: number }

function isMeasured(v: unknown): v is MeasuredParam {
  return typeof v === 'object' && v !== null && typeof (v as MeasuredParam).fromMetric === 'string' && typeof (v as MeasuredParam).otherwise === 'number';
}

/**
 * A pool resize factor sized for the demand: the pool as full as the forecast will make it (the
 * predictor's pool load per request times its demand at the boot horizon, or the usage measured
 * now when that is more) over `poolForUsage` (the usage to bring it to), at least `otherwise`
 * and at most `atMost` (one step's bound).
 */
interface PoolParam { poolForUsage: number; otherwise: number; atMost: number }

function isPoolParam(v: unknown): v is PoolParam {
  const p = v as PoolParam;
  return typeof v === 'object' && v !== null && [p.poolForUsage, p.otherwise, p.atMost].every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
}

/** The factor a PoolParam asks for on this window and plan. */
function poolFactor(p: PoolParam, window: AggWindow | undefined, plan: CapacityPlan | undefined): number {
  const perRps = plan?.capacity.poolUsagePerRps;
  const forecast = plan?.demand?.forecast;
  const expected = perRps !== undefined && forecast !== undefined ? perRps * forecast : 0;
  const latency = readMetric(window, 'db_latency_ms', 'mean');
  const learnt = plan?.capacity.poolLatencyMs;
  const slower = latency !== undefined && learnt !== undefined && learnt > 0 ? Math.max(1, latency / learnt) : 1;
  const need = Math.max(expected, readMetric(window, 'db_pool_usage', 'mean') ?? 0) * slower / p.poolForUsage;
  return Math.round(Math.min(p.atMost, Math.max(p.otherwise, need)) * 100) / 100;
}

/**
 * The entry with its measured parameters resolved on `window` and `plan` (the predictor's latest
 * for the service): `{fromMetric, stat, times, otherwise}` becomes `times` x the metric's
 * statistic (mean by default), or `otherwise` when the window lacks it; `{poolForUsage, otherwise,
 * atMost}` a pool factor for the forecast demand (poolFactor). A rate limit is sized from the
 * measured per-source rate of the users this way, and a pool from the demand it must carry, not
 * from a constant that fits one traffic mix.
 */
export function withMeasuredParams(entry: CatalogueEntry, window: AggWindow | undefined, plan?: CapacityPlan): CatalogueEntry {
  if (!entry.phases.some((p) => Object.values(p.params).some((v) => isMeasured(v) || isPoolParam(v)))) return entry;
  const resolve = (v: unknown): unknown => {
    if (isPoolParam(v)) return poolFactor(v, window, plan);
    if (!isMeasured(v)) return v;
    const x = readMetric(window, v.fromMetric, v.stat ?? 'mean');
    return x === undefined || !Number.isFinite(x) ? v.otherwise : Math.round(x * (v.times ?? 1) * 100) / 100;
  };
  return { ...entry, phases: entry.phases.map((p) => ({ ...p, params: Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, resolve(v)])) })) };
}
