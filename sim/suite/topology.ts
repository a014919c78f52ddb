/**
 * Random service topologies for the scenario suite: 2-12 services with made-up names, as a chain
 * (entry -> app -> ... -> database) or a fan (entry routing to several backends that share a
 * database), sized from the base load so that every service runs at a drawn utilisation.
 */
import { addDepLatency } from '../model/respond.js';
import type { Rng } from '../prng.js';

/** A service as the suite writes it into a scenario file (the schema fills the rest). */
export interface SuiteService {
  service: string; tier: string; owner: string; criticality: 'critical' | 'high';
  kind: 'app' | 'gateway' | 'database' | 'partner';
  dependsOn: string[]; calls?: Record<string, number>;
  users: number; billable: boolean; unitPrice: number; sloLatencyMs: number; sloErrorRate: number;
  instances: number; minInstances: number; maxInstances: number; capacityRps: number; baseLatencyMs: number;
  timeoutMs: number; bootDelayS: number; externalRps: number; pool?: { size: number };
  memBasePct?: number;
}

/** The drawn topology: services (entry first), the entry, the apps, the database, the base rps each receives. */
export interface Topology {
  services: SuiteService[];
  entry: string;
  apps: string[];
  db: string;
  partner: string | null;
  shape: 'chain' | 'fan';
  baseRps: Map<string, number>;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'vu', 'zen', 'or', 'pi', 'su', 'del', 'ny', 'qua', 'bri', 'fo', 'gal'];
const ROLES = ['api', 'svc', 'core', 'pay', 'auth', 'cart', 'feed', 'search', 'ledger', 'media'];

/** Draws from [lo, hi] on a log scale (multipliers, ramps: each order of magnitude as likely). */
export function logBetween(rng: Rng, lo: number, hi: number): number {
  return Math.exp(rng.between(Math.log(lo), Math.log(hi)));
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(rng.next() * xs.length))];
}

function names(rng: Rng, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(`${pick(rng, SYLLABLES)}${pick(rng, SYLLABLES)}-${pick(rng, ROLES)}`);
  return [...out];
}

/**
 * Draws a topology of `count` services (at least 2: an entry and a database) plus, when
 * `withPartner`, an external partner API called by one app. `peakFactor` is the largest load
 * multiple the scenario will bring: quotas leave room for it.
 */
export function drawTopology(rng: Rng, count: number, opts: { withPartner: boolean; peakFactor: number }): Topology {
  const n = Math.max(2, Math.min(12, count));
  const [entryName, dbName, ...appNames] = names(rng, n + 1);
  const shape: Topology['shape'] = appNames.length >= 2 && rng.next() < 0.5 ? 'fan' : 'chain';
  const partnerName = opts.withPartner ? `${entryName.split('-')[0]}-partner` : null;
  const apps = appNames.slice(0, n - 2);
  const entryRps = Math.round(logBetween(rng, 80, 1500));
  const baseRps = new Map<string, number>([[entryName, entryRps]]);
  const deps = new Map<string, { dependsOn: string[]; calls?: Record<string, number> }>();
  if (apps.length === 0) {
    deps.set(entryName, { dependsOn: [dbName] });
    baseRps.set(dbName, entryRps);
  } else if (shape === 'chain') {
    const chain = [entryName, ...apps, dbName];
    for (let i = 0; i < chain.length - 1; i++) {
      deps.set(chain[i], { dependsOn: [chain[i + 1]] });
      baseRps.set(chain[i + 1], entryRps);
    }
  } else {
    const calls = Object.fromEntries(apps.map((a) => [a, Math.round((1 / apps.length) * 1000) / 1000]));
    deps.set(entryName, { dependsOn: [...apps], calls });
    for (const a of apps) {
      deps.set(a, { dependsOn: [dbName] });
      baseRps.set(a, entryRps / apps.length);
    }
    baseRps.set(dbName, entryRps);
  }
  const callerOfPartner = apps[0] ?? entryName;
  if (partnerName) {
    const d = deps.get(callerOfPartner) ?? { dependsOn: [] };
    const share = Math.round(rng.between(0.2, 0.6) * 100) / 100;
    const calls = { ...(d.calls ?? Object.fromEntries(d.dependsOn.map((x) => [x, 1]))), [partnerName]: share };
    deps.set(callerOfPartner, { dependsOn: [...d.dependsOn, partnerName], calls });
    baseRps.set(partnerName, (baseRps.get(callerOfPartner) ?? entryRps) * share);
  }
  const users = Math.round(entryRps * logBetween(rng, 50, 300));
  const utilisation = rng.between(0.2, 0.4); // of the CPU limit: 40-80 % of the request at the default ratio
  const bootDelayS = Math.round(rng.between(30, 180));
  const unitPrice = Math.round(rng.between(0.01, 0.1) * 1000) / 1000;
  const sized = (name: string, kind: SuiteService['kind'], tier: string, capacityRps: number, baseLatencyMs: number): SuiteService => {
    const rps = baseRps.get(name) ?? entryRps;
    const instances = Math.max(1, Math.min(30, Math.ceil(rps / (capacityRps * utilisation))));
    const quota = Math.max(instances * 2, Math.ceil(instances * opts.peakFactor * 1.6) + 2);
    return {
      service: name, tier, owner: `${tier}-team`, criticality: name === entryName ? 'critical' : pick(rng, ['critical', 'high'] as const),
      kind, ...deps.get(name), dependsOn: deps.get(name)?.dependsOn ?? [], users, billable: name === entryName, unitPrice: name === entryName ? unitPrice : 0,
      sloLatencyMs: 0, sloErrorRate: 1, instances, minInstances: Math.max(1, Math.round(instances * 0.6)),
      maxInstances: kind === 'database' ? Math.max(instances, 4) : Math.min(400, quota),
      capacityRps: Math.round(capacityRps), baseLatencyMs: Math.round(baseLatencyMs), timeoutMs: 5000,
      bootDelayS: kind === 'database' ? 180 : bootDelayS, externalRps: name === entryName ? entryRps : 0,
    };
  };
  const services: SuiteService[] = [sized(entryName, apps.length === 0 ? 'app' : 'gateway', apps.length === 0 ? 'app' : 'edge', rng.between(150, 500), rng.between(5, 20))];
  for (const a of apps) services.push(sized(a, 'app', 'app', rng.between(60, 300), rng.between(15, 60)));
  const db = sized(dbName, 'database', 'data', rng.between(1000, 3000), rng.between(4, 15));
  const dbRps = baseRps.get(dbName) ?? entryRps;
  db.pool = { size: Math.max(8, Math.ceil((dbRps * db.baseLatencyMs) / 1000 / rng.between(0.3, 0.6))) };
  db.memBasePct = 55;
  services.push(db);
  if (partnerName) {
    services.push({
      service: partnerName, tier: 'partner', owner: 'vendor', criticality: 'high', kind: 'partner', dependsOn: [], users, billable: false, unitPrice: 0,
      sloLatencyMs: 1000, sloErrorRate: 2, instances: 1, minInstances: 1, maxInstances: 1, capacityRps: 100, baseLatencyMs: Math.round(rng.between(50, 200)),
      timeoutMs: 30_000, bootDelayS: 60, externalRps: 0,
    });
  }
  setSlos(services, rng);
  return { services, entry: entryName, apps, db: dbName, partner: partnerName, shape, baseRps };
}

/**
 * Latency SLOs with headroom over the base path: own time plus what the service's calls add, by
 * the simulator's own rule (sim/model/respond.ts: calls on every request add up, a dependency
 * called by a share of them sets the tail). A partner called by 30 % of requests adds its whole
 * latency to the p95; weighted by its share, an SLO could be drawn under the healthy latency.
 */
function setSlos(services: SuiteService[], rng: Rng): void {
  const byName = new Map(services.map((s) => [s.service, s]));
  const path = (s: SuiteService): number => {
    const acc = { seq: 0, mix: 0 };
    for (const d of s.dependsOn) {
      const dep = byName.get(d)!;
      addDepLatency(acc, dep.kind === 'partner' ? dep.baseLatencyMs : path(dep), s.calls?.[d] ?? 1);
    }
    return s.baseLatencyMs + acc.seq + acc.mix;
  };
  for (const s of services) {
    if (s.kind === 'partner') continue;
    s.sloLatencyMs = Math.max(150, Math.round((path(s) * rng.between(2.5, 5)) / 10) * 10);
  }
}
