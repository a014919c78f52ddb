import type { ServiceSpec } from '../scenario-schema.js';
import type { Rng } from '../prng.js';

/** One instance (VM / pod) of a service. Times are event time, ms. */
export interface Instance {
  id: number;
  /** Serves from this time on (boot delay after creation). */
  readyAt: number;
  /** Out (restarting, or rebooting after a crash) until this time. */
  downUntil: number;
  /** Memory leaked since the last start, percentage points at size 1. */
  leakPct: number;
  /** This instance's share of the leak rate (jitter around 1). */
  leakRate: number;
  /** Memory freed by a cache flush, decaying back, percentage points at size 1. */
  cacheRelief: number;
  /** Memory in use at the last tick, percent. */
  memPct: number;
}

/** What a version does to the service (a bad deploy). */
export interface VersionBehaviour { errorPct: number; latencyFactor: number }

/** The service's view after a tick: what the samples and the metrics read. */
export interface TickView {
  received: number;
  processed: number;
  capacity: number;
  bottleneck: 'cpu' | 'threads' | 'pool' | 'none';
  cpu: number;
  memory: number;
  /** p95 seen by callers, ms (capped at the timeout). */
  latencyMs: number;
  /** Failed share of received requests, 0-1. */
  errorRate: number;
  queue: number;
  poolUsage: number | null;
  dbLatencyMs: number | null;
  /** Entry services: percent of requests from the 10 busiest sources; else null. */
  topSourcesSharePct: number | null;
  ready: number;
  total: number;
  legitShare: number;
  violating: boolean;
  /** While a release rolls out: error rate (0-1) of the instances on the new version and on the previous one; else null. */
  versionErrors: { current: number; previous: number } | null;
}

/** Mutable state of one modelled service. Only model/, faults.ts and the actuator change it. */
export interface ServiceState {
  spec: ServiceSpec;
  name: string;
  minInstances: number;
  instances: Instance[];
  nextId: number;
  rng: Rng;
  size: number;
  workers: number;
  version: string;
  stableVersion: string;
  previousVersion: string | null;
  versions: Map<string, VersionBehaviour>;
  /** A release reaching the instances one by one: `share` of them run `version`, the rest `from`. */
  rollout: { from: string; startMs: number; endMs: number; share: number } | null;
  /** Cache of versionNumber() for the running version. */
  versionNumberOf?: { version: string; n: number };
  poolSize: number | null;
  slowFactor: number;
  /** CPU cost per request, x (a hot code path, a runaway job): 1 normally. */
  cpuCostFactor: number;
  blockingMs: number;
  nodeDegradedMs: number;
  rerouted: boolean;
  corruptionPct: number;
  partnerHang: { errorPct: number; hangMs: number } | null;
  leakPctPerMin: number;
  breakerOpen: boolean;
  fallback: boolean;
  /** Attack sources blocked (the N busiest), or null. */
  blockedSources: number | null;
  rateLimitRps: number | null;
  queue: number;
  /** Dependencies' latency, smoothed: how long a request holds a worker (thread-pool cascade). */
  depLatencySmoothed: number;
  /** Entry services: the shape of the traffic at the edge last tick (heavy sources, median source rate); else null. */
  edge: { heavySharePct: number; medianSourceRps: number } | null;
  last: TickView;
}

/** Creates the state of a service at the start of the run (all instances ready). */
export function createServiceState(spec: ServiceSpec, rng: Rng, startMs: number): ServiceState {
  const s: ServiceState = {
    spec, name: spec.service, minInstances: spec.minInstances ?? spec.instances, instances: [], nextId: 1, rng,
    size: spec.size, workers: spec.workers ?? Math.max(1, Math.round(spec.capacityRps)),
    version: spec.version, stableVersion: spec.version, previousVersion: null,
    versions: new Map([[spec.version, { errorPct: 0, latencyFactor: 1 }]]), rollout: null,
    poolSize: spec.pool?.size ?? null, slowFactor: 1, cpuCostFactor: 1, blockingMs: 0, nodeDegradedMs: 0, rerouted: false,
    corruptionPct: 0, partnerHang: null, leakPctPerMin: 0, breakerOpen: false, fallback: false,
    blockedSources: null, rateLimitRps: null, queue: 0, depLatencySmoothed: 0, edge: null,
    last: emptyView(),
  };
  addInstances(s, spec.instances, startMs);
  for (const i of s.instances) i.memPct = spec.memBasePct / spec.size;
  s.last.total = s.last.ready = spec.instances;
  return s;
}

function emptyView(): TickView {
  return {
    received: 0, processed: 0, capacity: 0, bottleneck: 'none', cpu: 0, memory: 0, latencyMs: 0, errorRate: 0, queue: 0,
    poolUsage: null, dbLatencyMs: null, topSourcesSharePct: null, ready: 0, total: 0, legitShare: 1, violating: false,
    versionErrors: null,
  };
}

/** Adds `n` instances that serve from `readyAt` (event time, ms). */
export function addInstances(s: ServiceState, n: number, readyAt: number): void {
  for (let k = 0; k < n; k++) {
    s.instances.push({
      id: s.nextId++, readyAt, downUntil: 0, leakPct: 0, leakRate: s.rng.between(0.85, 1.15), cacheRelief: 0,
      memPct: s.spec.memBasePct / s.size,
    });
  }
}

/** Removes `n` instances: those still booting first, then the newest. Never below one. */
export function removeInstances(s: ServiceState, n: number, now: number): void {
  const order = [...s.instances].sort((a, b) => Number(a.readyAt <= now) - Number(b.readyAt <= now) || b.id - a.id);
  const drop = new Set(order.slice(0, Math.min(n, s.instances.length - 1)).map((i) => i.id));
  s.instances = s.instances.filter((i) => !drop.has(i.id));
}

/** Is this instance serving at `now`? */
export function isReady(i: Instance, now: number): boolean {
  return i.readyAt <= now && i.downUntil <= now;
}

/** Instances serving at `now`. */
export function readyCount(s: ServiceState, now: number): number {
  let n = 0;
  for (const i of s.instances) if (isReady(i, now)) n++;
  return n;
}

const GOOD_VERSION: VersionBehaviour = { errorPct: 0, latencyFactor: 1 };

/** What one version does (a good version: no errors, factor 1). */
export function behaviourOf(s: ServiceState, version: string): VersionBehaviour {
  return s.versions.get(version) ?? GOOD_VERSION;
}

/** The service's behaviour now: the running version's, mixed with the previous one's while a release rolls out. */
export function versionBehaviour(s: ServiceState): VersionBehaviour {
  const now = behaviourOf(s, s.version);
  if (!s.rollout) return now;
  const before = behaviourOf(s, s.rollout.from);
  const k = s.rollout.share;
  return { errorPct: k * now.errorPct + (1 - k) * before.errorPct, latencyFactor: k * now.latencyFactor + (1 - k) * before.latencyFactor };
}

/** Starts rolling `version` out over `durationS` (instances switch one after the other; 0 = at once). */
export function startRollout(s: ServiceState, version: string, at: number, durationS: number): void {
  s.previousVersion = s.version;
  s.version = version;
  s.rollout = durationS > 0 ? { from: s.previousVersion, startMs: at, endMs: at + durationS * 1000, share: 0 } : null;
}

/** Moves a rollout to `now`: the share of instances on the new version, whole instances at a time. */
export function advanceRollout(s: ServiceState, now: number): void {
  const r = s.rollout;
  if (!r) return;
  if (now >= r.endMs) { s.rollout = null; return; }
  const n = Math.max(1, s.instances.length);
  r.share = Math.floor((n * (now - r.startMs)) / (r.endMs - r.startMs)) / n;
}

/**
 * The running version as a number for `deploy_version` (a change marks a deploy): the number in
 * its name ('v2' -> 2, '1.4' -> 1.4), else its order of first appearance.
 */
export function versionNumber(s: ServiceState): number {
  if (s.versionNumberOf?.version === s.version) return s.versionNumberOf.n;
  const m = /\d+(\.\d+)?/.exec(s.version);
  const n = m ? Number(m[0]) : [...s.versions.keys()].indexOf(s.version) + 1;
  s.versionNumberOf = { version: s.version, n };
  return n;
}
