import type { IncidentPattern } from '../../../runtime/contracts/index.js';
import type { Features } from './features.js';
import { dependenciesOf, EXTERNAL_TIERS, hasDependents, onOneChain, type Topology } from './graph.js';

/** Thresholds of the pattern rules (part of the correlator config). */
export interface PatternConfig {
  /** A deploy this long before an error_rate alert makes it a deploy regression, seconds (default 600). */
  deployWindowS: number;
  /** top_sources_share (percent) above which a surge is an attack (default 50). */
  ddosSourceShare: number;
  /** heavy_sources_share (percent) above which a surge is an attack (default 25). */
  heavySourceShare: number;
  /** db_lock_wait_ms / db_latency_ms above which queries are blocked behind locks (default 0.25). */
  lockWaitShare: number;
  /** net_latency_ms / latency_ms above which the network to the nodes is the slow part (default 0.25). */
  networkShare: number;
  /** db_pool_usage (percent, window mean) counted as high (default 85). */
  poolHighPct: number;
  /** rps / baseline counted as high load for `saturation` (default 1.2). */
  highRpsFactor: number;
}

/** One alerting series of an incident, as the rules see it. */
export interface AlertFact { service: string; metric: string; firstTs: number }

/** What the rules look at: the incident's services, its alerts, the ranked root cause. */
export interface PatternInput {
  services: readonly string[];
  alerts: readonly AlertFact[];
  root: string;
  now: number;
}

/** A matched rule: the pattern, why, and its rank (0 = most specific). */
export interface PatternMatch {
  pattern: IncidentPattern; evidence: string; rank: number;
  /** the service the evidence points at, when it is not the ranked root (the entry an attack floods, the database holding the locks) */
  at?: string;
}

interface RuleContext extends PatternInput {
  features: Features;
  topology: Topology;
  allServices: readonly string[];
  cfg: PatternConfig;
  /** The incident's services and every service calling them: where a traffic surge enters. */
  traffic: readonly string[];
  alerting(service: string, metric: string | ((m: string) => boolean)): boolean;
}

type Rule = (c: RuleContext) => { pattern: IncidentPattern; evidence: string; at?: string } | null;

const ratio = (c: RuleContext, s: string): string => `rps x${c.features.rpsRatio(s).toFixed(1)}`;
const LATENCY_METRICS = new Set(['latency_ms', 'db_latency_ms']);

/** `part` over `whole` in a service's last window (0 when either is missing). */
function share(c: RuleContext, service: string, part: string, whole: string): number {
  const p = c.features.lastMean(service, part);
  const w = c.features.lastMean(service, whole);
  return p !== null && w !== null && w > 0 ? p / w : 0;
}

/**
 * The rules, most specific first; the first that matches names the pattern. An incident keeps
 * the most specific rule it has matched while open (see `classify`). `dependency-timeout`
 * appears twice: an external root beats `cascade`, an internal dependency's latency alert on
 * its own only beats `saturation` and `single`.
 */
const RULES: readonly Rule[] = [
  (c) => {
    const s = c.traffic.find((x) => c.features.surging(x, c.now) && ((c.features.lastMean(x, 'top_sources_share') ?? 0) > c.cfg.ddosSourceShare
      || (c.features.lastMean(x, 'heavy_sources_share') ?? 0) > c.cfg.heavySourceShare));
    return s ? {
      pattern: 'ddos', at: s,
      evidence: `${s}: ${ratio(c, s)} with ${c.features.lastMean(s, 'top_sources_share')?.toFixed(0) ?? '?'} % from the top 10 sources, `
        + `${c.features.lastMean(s, 'heavy_sources_share')?.toFixed(0) ?? '?'} % from sources at over 10x the median rate`,
    } : null;
  },
  (c) => {
    const a = c.alerts.find((x) => x.metric === 'error_rate'
      && c.features.deployedBetween(x.service, x.firstTs - c.cfg.deployWindowS * 1000, x.firstTs));
    return a ? { pattern: 'deploy-regression', at: a.service, evidence: `${a.service}: error_rate alert within ${c.cfg.deployWindowS} s of a deploy_version change` } : null;
  },
  (c) => {
    // queries waiting on locks: the pool fills too (connections are held while waiting), but more slots would only queue more waiters
    const s = c.services.find((x) => share(c, x, 'db_lock_wait_ms', 'db_latency_ms') >= c.cfg.lockWaitShare);
    return s ? { pattern: 'blocking-queries', at: s, evidence: `${s}: queries wait ${c.features.lastMean(s, 'db_lock_wait_ms')!.toFixed(0)} ms on locks of ${c.features.lastMean(s, 'db_latency_ms')!.toFixed(0)} ms` } : null;
  },
  (c) => {
    const s = c.services.find((x) => share(c, x, 'net_latency_ms', 'latency_ms') >= c.cfg.networkShare);
    return s ? { pattern: 'node-degradation', at: s, evidence: `${s}: ${c.features.lastMean(s, 'net_latency_ms')!.toFixed(0)} ms of its ${c.features.lastMean(s, 'latency_ms')!.toFixed(0)} ms are the network to its nodes` } : null;
  },
  (c) => {
    // the pool itself must be full: slow queries behind locks raise db latency with the pool half empty
    const s = c.services.find((x) => {
      const pool = c.features.lastMean(x, 'db_pool_usage');
      return (c.alerting(x, 'db_pool_usage') || (pool !== null && pool >= c.cfg.poolHighPct)) && !c.alerting(x, 'cpu');
    });
    return s ? { pattern: 'pool-saturation', evidence: `${s}: connection pool at ${c.features.lastMean(s, 'db_pool_usage')?.toFixed(0) ?? '?'} % while cpu is not alerting` } : null;
  },
  (c) => {
    const s = c.services.find((x) => ['memory', 'memory_mb'].some((m) => c.alerting(x, m) && c.features.risingSteadily(x, m)));
    return s ? { pattern: 'memory-leak', evidence: `${s}: memory alerting and rising window after window` } : null;
  },
  (c) => {
    const s = c.traffic.find((x) => c.features.surging(x, c.now));
    return s ? { pattern: 'traffic-surge', evidence: `${s}: ${ratio(c, s)} over its baseline, sources spread` } : null;
  },
  (c) => {
    const tier = c.topology(c.root)?.tier ?? '';
    if (EXTERNAL_TIERS.has(tier)) return { pattern: 'dependency-timeout', evidence: `${c.root}: external (${tier}) dependency alerting` };
    return c.alerting(c.root, (m) => m.includes('timeout')) ? { pattern: 'dependency-timeout', evidence: `${c.root}: timeouts alerting` } : null;
  },
  (c) => {
    // errors that no deploy, no partner, no latency and no saturation explain: the data the service reads
    const info = c.topology(c.root);
    const latency = c.features.lastMean(c.root, 'latency_ms');
    const cpu = c.features.lastMean(c.root, 'cpu');
    const calm = latency !== null && latency <= (info?.sloLatencyMs ?? Infinity) && (cpu === null || cpu < 90);
    return c.alerting(c.root, 'error_rate') && calm && !EXTERNAL_TIERS.has(info?.tier ?? '')
      ? { pattern: 'data-corruption', evidence: `${c.root}: errors with latency ${latency!.toFixed(0)} ms within its SLO, no deploy, no saturated dependency` } : null;
  },
  (c) => c.services.some((s) => s !== c.root && onOneChain(s, c.root, c.topology))
    ? { pattern: 'cascade', evidence: `${c.services.length} services along the dependency chain of ${c.root}` } : null,
  (c) => c.alerting(c.root, (m) => LATENCY_METRICS.has(m)) && hasDependents(c.root, c.allServices, c.topology)
    ? { pattern: 'dependency-timeout', evidence: `${c.root}: latency alerting while other services depend on it` } : null,
  (c) => {
    const s = c.services.find((x) => (c.alerting(x, 'cpu') || c.alerting(x, 'latency_ms') || c.alerting(x, 'queue_depth'))
      && (c.features.surging(x, c.now) || c.features.rpsRatio(x) >= c.cfg.highRpsFactor));
    return s ? { pattern: 'saturation', evidence: `${s}: cpu/latency alerting at ${ratio(c, s)} of its baseline` } : null;
  },
];

/**
 * Applies the rules in order; the first that matches names the pattern, `single` when none
 * does. Pure: the features, the catalogue topology and the thresholds come in.
 */
export function classify(input: PatternInput, features: Features, topology: Topology, allServices: readonly string[], cfg: PatternConfig): PatternMatch {
  const ctx: RuleContext = {
    ...input, features, topology, allServices, cfg,
    traffic: [...input.services, ...allServices.filter((s) => !input.services.includes(s)
      && input.services.some((x) => dependenciesOf(s, topology).has(x)))],
    alerting: (s, m) => input.alerts.some((a) => a.service === s && (typeof m === 'string' ? a.metric === m : m(a.metric))),
  };
  for (let rank = 0; rank < RULES.length; rank++) {
    const match = RULES[rank](ctx);
    if (match) return { ...match, rank };
  }
  return { pattern: 'single', evidence: 'one signal, no multi-signal pattern', rank: RULES.length };
}
