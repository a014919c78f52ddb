/**
 * The predictor's capacity model (DESIGN §4: the predictor owns demand and capacity). Per
 * service it learns how many requests/s one instance serves at 100 % cpu from stable healthy
 * windows, projects the rps a little ahead (to the boot horizon: what the load will be when an
 * instance started now serves) with an interval, and says how many instances that needs at the
 * scaling policy's target utilisation. The orchestrator's scaling sizes its changes from these
 * plans (policies/scaling-demand.ts); the constants are the scaling policy's
 * (policies/defaults/triggers.json, `demand` and `horizontal.targetCpu`). Pure functions.
 */
import type { AggWindow, CapacityPlan } from '../../../runtime/contracts/index.js';
import { readMetric } from '../../../policies/metric-read.js';
import { limitsFor } from '../../../policies/scaling-decide.js';
import type { ScalingPolicy } from '../../../policies/schema.js';
import { median } from '../../../runtime/stats.js';

/** What has been learnt of a service's capacity. */
export interface Capacity {
  /** rps one instance serves at 100 % cpu (EWMA over healthy windows); null until learnt */
  perInstanceRps: number | null;
  /** the instance count of the last window learnt from, to learn only from windows after a stable count */
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
  return { perInstanceRps: ewma(base.perInstanceRps, seen, d.learnWeight), instances: w.instances, samples: base.samples + 1 };
}

/** An exponentially weighted mean moved `weight` of the way to `now`; `now` itself when nothing was learnt yet. */
function ewma(was: number | null | undefined, now: number, weight: number): number {
  return was === null || was === undefined ? now : was + weight * (now - was);
}

/** What has been learnt of a service's connection pool: how full one request per second keeps it. */
export interface PoolLoad {
  /** db_pool_usage (%) per rps received, from windows below saturation (EWMA) */
  usagePerRps: number;
  /** db_latency_ms in those windows (EWMA): a connection is held as long as a query takes, slower queries fill the pool at the same rps */
  latencyMs?: number;
  samples: number;
}

/**
 * Learns the pool's load per request from one window: db_pool_usage / rps, where the usage lies in
 * [learnCpuMin, learnCpuMax] (the same range as cpu, a percent of a resource too: an idle reading
 * is noise, a full pool reads 100 % whatever the demand behind it). Usage grows with the rps
 * received at a fixed pool size, so this ratio times a forecast says how full the pool will be.
 */
export function learnPool(prev: PoolLoad | null, w: AggWindow, policy: ScalingPolicy): PoolLoad | null {
  const d = policy.demand;
  const usage = readMetric(w, 'db_pool_usage', 'mean');
  const rps = readMetric(w, 'rps', 'mean');
  if (usage === undefined || rps === undefined || rps <= 0 || usage < d.learnCpuMin || usage > d.learnCpuMax) return prev;
  const latency = readMetric(w, 'db_latency_ms', 'mean');
  const latencyMs = latency === undefined ? prev?.latencyMs : ewma(prev?.latencyMs, latency, d.learnWeight);
  return { usagePerRps: ewma(prev?.usagePerRps, usage / rps, d.learnWeight), ...(latencyMs !== undefined ? { latencyMs } : {}), samples: (prev?.samples ?? 0) + 1 };
}

/** A least-squares trend: slope per second and its standard error. */
export interface Trend { slope: number; se: number }

/**
 * Least-squares slope (per second) of the points with its standard error; slope 0, se 0 with
 * fewer than 3 points. The error is the residuals' own, or `seFloor` when that is more: a handful
 * of residuals can happen to lie close to a line that noise drew.
 */
export function fitTrend(points: readonly { ts: number; rps: number }[], seFloor = 0): Trend {
  const n = points.length;
  if (n < 3) return { slope: 0, se: 0 };
  const t0 = points[0].ts;
  const xs = points.map((p) => (p.ts - t0) / 1000);
  const mx = xs.reduce((a, x) => a + x, 0) / n;
  const my = points.reduce((a, p) => a + p.rps, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (xs[i] - mx) ** 2; sxy += (xs[i] - mx) * (points[i].rps - my); }
  if (sxx <= 0) return { slope: 0, se: 0 };
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (points[i].rps - (my + slope * (xs[i] - mx))) ** 2;
  return { slope, se: Math.max(Math.sqrt(sse / (n - 2) / sxx), seFloor) };
}

/** The slope of the points, or 0 when within `significance` standard errors of 0 (or fewer than 3 points). */
export function significantSlope(points: readonly { ts: number; rps: number }[], significance: number): number {
  const { slope, se } = fitTrend(points);
  return Math.abs(slope) > significance * se ? slope : 0;
}

/**
 * Fewest values a spread is measured from (fewer: 0, no floor): a ramp's onset moves two or three
 * of the differences, which a median of ten or more leaves out and a median of five would not.
 */
const MIN_SPREAD_VALUES = 10;

/** A normal's sigma from its draws, robustly: 1.4826 x the median absolute deviation from the median; 0 with too few. */
export function robustSpread(values: readonly number[]): number {
  if (values.length < MIN_SPREAD_VALUES) return 0;
  const med = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - med)));
}

/**
 * How much the service's demand moved by itself before now, measured on the very statistics the
 * trend tests use, over the earlier windows of `history` (the current one is what is judged):
 * `step`, the spread of the change from one window mean to the next (rps); `slope`, the spread of
 * the least-squares slope of `trendWindows` means (rps per second). Real traffic is correlated
 * from one reading to the next, so window means wander far more than the readings inside one
 * window spread. Each spread is read from the differences of values `trendWindows` apart (over
 * sqrt 2): values that far apart share no window, a steady ramp moves them alike and cancels out,
 * and the few differences across a ramp's onset do not move a median. 0 while the history is too
 * short to say.
 */
export function demandWander(history: readonly { ts: number; rps: number }[], trendWindows: number): { step: number; slope: number } {
  const before = history.slice(0, -1);
  const steps: number[] = [];
  for (let i = 1; i < before.length; i++) steps.push(before[i].rps - before[i - 1].rps);
  const slopes: number[] = [];
  for (let end = trendWindows; end <= before.length; end++) slopes.push(fitTrend(before.slice(end - trendWindows, end)).slope);
  const apart = (xs: readonly number[]): number[] => xs.slice(trendWindows).map((x, i) => (x - xs[i]) / Math.SQRT2);
  return { step: robustSpread(apart(steps)), slope: robustSpread(apart(slopes)) };
}

/** The spread of a window's readings as a normal's sigma: (p90 - p50) / 1.28. */
export function spread(m: { p50: number; p90: number }): number {
  return Math.max(0, (m.p90 - m.p50) / 1.28);
}

/**
 * The noise of the service's rps when no ramp widens it: the median of the earlier windows'
 * spreads relative to their means, at the current mean; the current window's spread while there
 * is no earlier one. A ramp inside a window spreads its readings as much as noise does, so the
 * current window alone would hide the very surge its last reading shows.
 */
function quietNoise(current: { mean: number; p50: number; p90: number }, history: readonly { rps: number; noise?: number }[]): number {
  const rel = history.slice(0, -1).filter((h) => h.noise !== undefined && h.rps > 0).map((h) => h.noise! / h.rps).sort((a, b) => a - b);
  if (rel.length === 0) return spread(current);
  return Math.min(spread(current), rel[Math.floor((rel.length - 1) / 2)] * Math.max(0, current.mean));
}

/**
 * The slope of a ramp that has just begun: the last three window means each above the one before
 * by more than `beyond` (what the difference of two window means may be by chance), so a rise of
 * two windows running counts at once. A least-squares line over the trend's windows still holds
 * the flat ones before the onset and would see the ramp at a fraction of its slope, or not yet at
 * all; a single spike rises once and falls back, and does not pass.
 */
function sustainedRise(history: readonly { ts: number; rps: number }[], beyond: number): number {
  if (history.length < 3) return 0;
  const [a, b, c] = history.slice(-3);
  if (b.rps - a.rps <= beyond || c.rps - b.rps <= beyond || c.ts <= a.ts) return 0;
  return (c.rps - a.rps) / ((c.ts - a.ts) / 1000);
}

/** How sure a demand projection must be: the policy's `demand` settings it reads. */
export type DemandTests = Pick<ScalingPolicy['demand'], 'trendWindows' | 'trendSignificance' | 'noiseSigmas'>;

/**
 * The demand part of a plan: the rps now and at `horizonS`. The level is the window's mean, or
 * its last reading when that jumped `noiseSigmas` beyond the service's quiet noise (a surge of a
 * minute or two shows there first). The trend is the least-squares slope of the last
 * `trendWindows` window means (`history`, oldest first, the current window last), counted only
 * where it stands out of its standard error `trendSignificance` times, or, while the last reading
 * still jumps, the slope of a ramp that has just begun (sustainedRise), whichever is steeper; only
 * upwards. Both judge a rise by how much the demand wandered by itself before (demandWander over
 * the whole history) as well as by the readings inside the windows. The mean stands for the
 * window's middle, so the trend runs half a window longer from it. The noise is the spread of the
 * window's readings ((p90 - p50) / 1.28, a normal's sigma). The interval spans `noiseSigmas`
 * standard deviations of the forecast (the window mean's wander or the readings' noise, whichever
 * is more, and the trend's error over the horizon) each side.
 */
export function projectDemand(
  w: AggWindow, horizonS: number, history: readonly { ts: number; rps: number; noise?: number }[], tests: DemandTests,
): CapacityPlan['demand'] {
  const rps = w.metrics.rps;
  if (!rps) return null;
  const { trendWindows, trendSignificance, noiseSigmas } = tests;
  const noise = spread(rps);
  const recent = history.slice(-trendWindows);
  const quiet = quietNoise(rps, recent);
  const wander = demandWander(history, trendWindows);
  const jumped = rps.last - rps.mean > noiseSigmas * quiet;
  const level = jumped ? rps.last : rps.mean;
  const trend = fitTrend(recent, wander.slope);
  const fitted = Math.abs(trend.slope) > trendSignificance * trend.se ? trend.slope : 0;
  const beyond = noiseSigmas * Math.max(quiet * Math.SQRT2, wander.step);
  const slope = Math.max(fitted, jumped ? sustainedRise(recent, beyond) : 0);
  // a window's mean stands for its middle, its last reading for its end
  const forecast = level + Math.max(0, slope) * (horizonS + (jumped ? 0 : w.windowS / 2));
  const sd = Math.sqrt(Math.max(noise, wander.step / Math.SQRT2) ** 2 + (trend.se * horizonS) ** 2);
  return {
    mean: Math.max(0, rps.mean), level: Math.max(0, level), noise, slopePerS: slope, slopeSe: trend.se, horizonS,
    forecast: Math.max(0, forecast), low: Math.max(0, forecast - noiseSigmas * sd), high: Math.max(0, forecast + noiseSigmas * sd),
  };
}

/** The service's own demand, raised to what its entries are about to send it (callers.ts) when that is more. */
function withEntries(own: CapacityPlan['demand'], inherited: { forecast: number; high: number } | null): CapacityPlan['demand'] {
  if (!own || !inherited || inherited.forecast <= own.forecast) return own;
  return { ...own, forecast: inherited.forecast, high: Math.max(own.high, inherited.high), fromEntries: inherited.forecast };
}

/**
 * A whole plan for one window: `capacity` as learnt (this window included), `history` the recent
 * window means (this one last). The horizon is the service's boot delay plus half a window (the
 * decision's own delay), else demand.leadS (scaling-decide.ts `limitsFor`). `fromEntries`: the
 * demand the entry services are about to send (callers.ts), when known.
 */
export function planFor(
  w: AggWindow, capacity: Capacity | null, settling: boolean, history: readonly { ts: number; rps: number; noise?: number }[], policy: ScalingPolicy,
  fromEntries: { forecast: number; high: number } | null = null, pool: PoolLoad | null = null,
): CapacityPlan {
  const per = capacity?.perInstanceRps ?? null;
  const demand = withEntries(projectDemand(w, limitsFor(policy, w.service).leadS, history, policy.demand), fromEntries);
  const perAtTarget = per === null ? 0 : per * (policy.horizontal.targetCpu / 100);
  const inPlace = per === null ? 0 : per * w.instances;
  let tts: number | null = null;
  if (demand && inPlace > 0) {
    if (demand.level >= inPlace) tts = 0;
    else if (demand.slopePerS > 0) tts = (inPlace - demand.level) / demand.slopePerS;
  }
  return {
    service: w.service, windowS: w.windowS, windowEnd: w.end, instances: w.instances,
    capacity: { perInstanceRps: per, samples: capacity?.samples ?? 0, settling, ...(pool ? { poolUsagePerRps: pool.usagePerRps, ...(pool.latencyMs !== undefined ? { poolLatencyMs: pool.latencyMs } : {}) } : {}) },
    demand,
    needed: demand && perAtTarget > 0 ? Math.ceil(demand.high / perAtTarget) : null,
    timeToSaturationS: tts,
    ts: w.end,
  };
}
