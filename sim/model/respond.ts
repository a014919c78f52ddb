import type { Flow } from './flow.js';
import { mmcWaitMs, p95Ms, timeoutShare } from './queueing.js';
import { behaviourOf, versionBehaviour, type ServiceState, type TickView } from './service-state.js';

/**
 * How a caller reaches one dependency this tick: `call` (normally), `cache` (cache fallback:
 * the dependency is not called), `open` (circuit breaker open: calls fail fast).
 */
export type EdgeMode = 'call' | 'cache' | 'open';

/** One dependency edge as pass 2 sees it: the callee's view of this tick. */
export interface DepEdge { dep: ServiceState; calls: number; mode: EdgeMode }

/** Latency (ms) above which an open circuit breaker short-circuits a dependency. */
export function breakerThresholdMs(caller: ServiceState): number {
  return Math.min(1000, caller.spec.timeoutMs / 2);
}

/**
 * Decides the edge mode from the callee's previous tick (a breaker reacts to what it has seen).
 */
export function edgeMode(caller: ServiceState, dep: ServiceState): EdgeMode {
  if (dep.fallback || (caller.fallback && dep.spec.kind === 'partner')) return 'cache';
  if (caller.breakerOpen && (dep.last.errorRate > 0.25 || dep.last.latencyMs > breakerThresholdMs(caller))) return 'open';
  return 'call';
}

/**
 * Latency (ms) dependencies add to a caller's p95. Calls made on every request (calls >= 1)
 * are sequential: they add up (repeated calls at half weight). Calls made by a share of the
 * requests (calls < 1, e.g. a gateway routing to one backend) form a mixture: the slowest one
 * used by at least ~10 % of requests sets the tail.
 */
export function addDepLatency(acc: { seq: number; mix: number }, latencyMs: number, calls: number): void {
  if (calls >= 1) acc.seq += latencyMs * (1 + (calls - 1) * 0.5);
  else acc.mix = Math.max(acc.mix, latencyMs * Math.min(1, 10 * calls));
}

/** Share of a caller's requests failing because of a dependency with error share `err`. */
function depFailure(err: number, calls: number): number {
  return calls <= 1 ? calls * err : 1 - Math.pow(1 - err, calls);
}

/**
 * Pass 2 of a tick for one service (callees before callers): p95 latency = own service time +
 * M/M/c wait + backlog + dependencies; errors = shed load, bad version, corruption, partner
 * failures, timeouts and the dependencies' failures. Returns the service's tick view.
 */
export function respond(s: ServiceState, f: Flow, deps: DepEdge[]): TickView {
  const finite = Number.isFinite(f.capacity);
  const rho = f.capacity > 0 ? f.received / f.capacity : f.received > 0 ? 1 : 0;
  const wait = finite ? mmcWaitMs(f.serviceMs, f.servers, rho) : 0;
  const backlog = !finite ? 0 : f.capacity > 0 ? (s.queue / f.capacity) * 1000 : f.received > 0 ? s.spec.timeoutMs : 0;
  const own = p95Ms(f.serviceMs, wait, backlog);
  const acc = { seq: 0, mix: 0 };
  let success = 1;
  for (const e of deps) {
    if (e.mode === 'cache') addDepLatency(acc, 5, e.calls);
    else if (e.mode === 'open') success *= 1 - depFailure(1, e.calls);
    else {
      addDepLatency(acc, e.dep.last.latencyMs, e.calls);
      success *= 1 - depFailure(e.dep.last.errorRate, e.calls);
    }
  }
  const depMs = acc.seq + acc.mix;
  const p95 = own + depMs;
  success *= (1 - f.dropShare) * (1 - s.corruptionPct / 100);
  if (s.partnerHang) success *= 1 - s.partnerHang.errorPct / 100;
  success *= 1 - timeoutShare(p95, s.spec.timeoutMs);
  // every cause but the version is shared by the instances; the version's own errors differ while a release rolls out
  const failed = (errorPct: number): number => (f.received > 0 ? Math.min(1, Math.max(0, 1 - success * (1 - errorPct / 100))) : 0);
  const errorRate = failed(versionBehaviour(s).errorPct);
  const versionErrors = s.rollout
    ? { current: failed(behaviourOf(s, s.version).errorPct), previous: failed(behaviourOf(s, s.rollout.from).errorPct) } : null;
  s.depLatencySmoothed = 0.5 * s.depLatencySmoothed + 0.5 * Math.min(depMs, s.spec.timeoutMs);
  const latencyMs = Math.min(p95, s.spec.timeoutMs);
  const isDb = s.spec.kind === 'database' || s.poolSize !== null;
  const violating = s.spec.kind !== 'partner' && f.received > 0
    && (latencyMs > s.spec.sloLatencyMs || errorRate * 100 > s.spec.sloErrorRate);
  return {
    received: f.received, processed: f.processed, capacity: f.capacity, bottleneck: f.bottleneck, cpu: f.cpu,
    memory: f.memory, latencyMs, errorRate, queue: s.queue, poolUsage: f.poolUsage,
    dbLatencyMs: isDb ? Math.min(own, s.spec.timeoutMs) : null, topSourcesSharePct: f.topSourcesSharePct, ready: f.ready, total: s.instances.length,
    legitShare: f.legitShare, violating, versionErrors,
  };
}
