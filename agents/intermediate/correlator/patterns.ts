import type { IncidentPattern } from '../../../runtime/contracts/index.js';
import type { Features } from './features.js';
import { dependenciesOf, EXTERNAL_TIERS, hasDependents, onOneChain, type Topology } from './graph.js';

/** Thresholds of the pattern rules (part of the correlator config). */
export interface PatternConfig {
  /** A deploy this long before an error_rate alert makes it a deploy regression, seconds (default 600). */
  deployWindowS: number;
  /** top_sources_share (percent) above which a surge is an attack (default 50). */
  ddosSourceShare: number;
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
export interface PatternMatch { pattern: IncidentPattern; evidence: string; rank: number }

interface RuleContext extends PatternInput {
  features: Features;
  topology: Topology;
  allServices: readonly string[];
  cfg: PatternConfig;
  /** The incident's services and every service calling them: where a traffic surge enters. */
  traffic: readonly string[];
  alerting(service: string, metric: string | ((m: string) => boolean)): boolean;
}

type Rule = (c: RuleContext) => { pattern: IncidentPattern; evidence: string } | null;

const ratio = (c: RuleContext, s: string): string => `rps x${c.features.rpsRatio(s).toFixed(1)}`;
const LATENCY_METRICS = new Set(['latency_ms', 'db_latency_ms']);

/**
 * The rules, most specific first; the first that matches names the pattern. An incident keeps
 * the most specific rule it has matched while open (see `classify`). `dependency-timeout`
 * appears twice: an external root beats `cascade`, an internal dependency's latency alert on
 * its own only beats `saturation` and `single`.
 */
const RULES: readonly Rule[] = [
  (c) => {
    const s = c.traffic.find((x) => c.features.surging(x, c.now) && (c.features.lastMean(x, 'top_sources_share') ?? 0) > c.cfg.ddosSourceShare);
    return s ? { pattern: 'ddos', evidence: `${s}: ${ratio(c, s)} with ${c.features.lastMean(s, 'top_sources_share')!.toFixed(0)} % from the top sources` } : null;
  },
  (c) => {
    const a = c.alerts.find((x) => x.metric === 'error_rate'
      && c.features.deployedBetween(x.service, x.firstTs - c.cfg.deployWindowS * 1000, x.firstTs));
    return a ? { pattern: 'deploy-regression', evidence: `${a.service}: error_rate alert within ${c.cfg.deployWindowS} s of a deploy_version change` } : null;
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
