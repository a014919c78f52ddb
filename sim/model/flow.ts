import { updateMemory } from './memory.js';
import { readyCount, versionBehaviour, type ServiceState } from './service-state.js';

/** Traffic offered to a service in one tick, requests/s, after the edge filters. */
export interface Offered {
  /** Legitimate requests/s (users, and calls made on their behalf). */
  legit: number;
  /** Attack requests/s that got through IP blocks and rate limits. */
  attack: number;
  /** Entry services: percent of requests from the 10 busiest sources; null for internal ones. */
  topSourcesSharePct: number | null;
}

/** What pass 1 computes for a service: how much it could serve, and what it did. */
export interface Flow {
  received: number;
  legitShare: number;
  /** Requests/s it can serve now, and what limits it. */
  capacity: number;
  bottleneck: 'cpu' | 'threads' | 'pool' | 'none';
  /** Concurrent slots of the bottleneck (M/M/c servers). */
  servers: number;
  /** Own service time, ms (also how long a DB connection is held). */
  serviceMs: number;
  processed: number;
  dropShare: number;
  cpu: number;
  memory: number;
  poolUsage: number | null;
  topSourcesSharePct: number | null;
  ready: number;
}

/** Own service time (ms): base x version x slow queries x GC, plus lock waits and network detours. */
export function serviceTimeMs(s: ServiceState, gc: number): number {
  if (s.partnerHang) return s.partnerHang.hangMs;
  const base = s.spec.baseLatencyMs * versionBehaviour(s).latencyFactor * s.slowFactor * gc;
  const network = s.rerouted ? 5 : s.nodeDegradedMs;
  return base + s.blockingMs + network;
}

/** Share of users' requests that come from their 10 busiest sources (NATs, corporate proxies). */
const USER_TOP_SOURCES_SHARE = 0.03;

/** Requests/s one user's address sends (users behind one NAT count as one address: the median one sends this). */
const USER_SOURCE_RPS = 0.5;
/** A source sending more than this many times the median source's rate is `heavy` (what a WAF's rate report flags). */
const HEAVY_FACTOR = 10;

/** Attack traffic after the edge, and the shape of the traffic arriving at the edge. */
export interface EdgeTraffic {
  attack: number;
  topSourcesSharePct: number;
  /** Percent of requests from heavy sources (see HEAVY_FACTOR). */
  heavySharePct: number;
  /** Requests/s of the median source. */
  medianSourceRps: number;
}

/**
 * Filters attack traffic at the service's edge: an IP block drops 99 % of what the blocked
 * sources send (the N busiest; the residue comes from rotated addresses); a rate limit caps each
 * remaining attacking source at `rateLimitRps` (users send far fewer requests per source, so they
 * pass untouched). Also gives `top_sources_share`: percent of requests from the 10 busiest sources.
 */
export function edgeFilter(s: ServiceState, legit: number, attack: number, sources: number): EdgeTraffic {
  const blocked = s.blockedSources !== null && sources > 0 ? Math.min(sources, s.blockedSources) : 0;
  const active = sources - blocked;
  let fromActive = sources > 0 ? (attack * active) / sources : attack;
  const residue = sources > 0 ? ((attack * blocked) / sources) * 0.01 : 0;
  if (s.rateLimitRps !== null && active > 0) fromActive = Math.min(fromActive, s.rateLimitRps * active);
  const a = fromActive + residue;
  const top = (active > 0 ? (fromActive * Math.min(10, active)) / active : 0) + (residue + legit) * USER_TOP_SOURCES_SHARE;
  const users = legit / USER_SOURCE_RPS;
  const perAttacker = active > 0 ? fromActive / active : 0;
  const medianSourceRps = active > users ? perAttacker : USER_SOURCE_RPS;
  const heavy = perAttacker > HEAVY_FACTOR * medianSourceRps ? fromActive : 0;
  const total = a + legit;
  return {
    attack: a, topSourcesSharePct: total > 0 ? (100 * top) / total : 0,
    heavySharePct: total > 0 ? (100 * heavy) / total : 0, medianSourceRps,
  };
}

/** What a service can serve now: the least of CPU, worker threads and DB connections. */
export function capacityOf(s: ServiceState, ready: number, gc: number): {
  capacity: number; bottleneck: Flow['bottleneck']; servers: number; cpuCap: number; serviceMs: number;
} {
  const cpuCost = versionBehaviour(s).latencyFactor * (1 + (gc - 1) * 0.5) * s.cpuCostFactor;
  const st = serviceTimeMs(s, gc);
  const cpuCap = (ready * s.spec.capacityRps * s.size) / cpuCost;
  // Little's law: a request holds a worker for its own time plus its dependencies' (mean ~ p95 / 2).
  const inflightS = Math.max(1e-3, (st + s.depLatencySmoothed) * 0.5 / 1000);
  const threadCap = (ready * s.workers * s.size) / inflightS;
  const poolCap = s.poolSize !== null ? s.poolSize / (st / 1000) : Infinity;
  let out = { capacity: cpuCap, bottleneck: 'cpu' as Flow['bottleneck'], servers: Math.max(1, (cpuCap * st) / 1000), cpuCap, serviceMs: st };
  if (threadCap < out.capacity) out = { ...out, capacity: threadCap, bottleneck: 'threads', servers: ready * s.workers * s.size };
  if (poolCap < out.capacity) out = { ...out, capacity: poolCap, bottleneck: 'pool', servers: s.poolSize ?? 1 };
  return out;
}

/**
 * Pass 1 of a tick for one service (callers before callees): memory, capacity (the least of
 * CPU, worker threads held by slow dependencies, and DB connections), the backlog queue
 * bounded by the timeout, and the load shed past it. Mutates the queue and instances.
 */
export function flow(s: ServiceState, offered: Offered, now: number, dtS: number): Flow {
  const received = offered.legit + offered.attack;
  const legitShare = received > 0 ? offered.legit / received : 1;
  if (s.spec.kind === 'partner') {
    const st = serviceTimeMs(s, 1);
    return {
      received, legitShare, capacity: Infinity, bottleneck: 'none', servers: Infinity, serviceMs: st, processed: received,
      dropShare: 0, cpu: 0, memory: 0, poolUsage: null, topSourcesSharePct: offered.topSourcesSharePct, ready: s.instances.length,
    };
  }
  const mem = updateMemory(s, now, dtS, s.last.cpu / 100);
  const ready = readyCount(s, now);
  const { capacity, bottleneck, servers, cpuCap, serviceMs: st } = capacityOf(s, ready, mem.gc);
  const inflow = received * dtS;
  const total = s.queue + inflow;
  const served = Math.min(total, capacity * dtS);
  let queue = total - served;
  const maxQueue = capacity * s.spec.timeoutMs / 1000;
  const dropped = Math.max(0, queue - maxQueue);
  queue -= dropped;
  s.queue = queue;
  const processed = served / dtS;
  const idle = s.spec.idleCpuPct;
  const cpu = ready > 0 ? Math.min(100, idle + (100 - idle) * (cpuCap > 0 ? processed / cpuCap : 0)) : 0;
  const poolUsage = s.poolSize !== null ? Math.min(100, (100 * received * st) / 1000 / s.poolSize) : null;
  return {
    received, legitShare, capacity, bottleneck, servers, serviceMs: st, processed,
    dropShare: inflow > 0 ? Math.min(1, dropped / inflow) : 0, cpu, memory: mem.memory, poolUsage,
    topSourcesSharePct: offered.topSourcesSharePct, ready,
  };
}
