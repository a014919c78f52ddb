import { DEPLOY_CHECK_RULE, type Hypothesis, type IncidentPattern } from '../../../runtime/contracts/index.js';
import type { Deploy, Features } from './features.js';
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
  /** A release is worse than the one it replaces when its canary errors exceed the previous version's by this share of the SLO error rate (default 0.5). */
  canaryMargin: number;
}

/** One alerting series of an incident, as the rules see it. */
export interface AlertFact { service: string; metric: string; firstTs: number; rule: string }

/** What the rules look at: the incident's services, its alerts, the ranked root cause. */
export interface PatternInput {
  services: readonly string[];
  alerts: readonly AlertFact[];
  root: string;
  now: number;
}

/** The chosen cause: the first hypothesis that holds, why, and its rank (0 = most specific). */
export interface PatternMatch {
  pattern: IncidentPattern; evidence: string; rank: number; at?: string;
  /** Set when a cause more specific than the match can be neither confirmed nor ruled out until its evidence arrives: why. */
  pending?: string;
  /** every cause weighed, those that hold first (most specific first), then the others */
  hypotheses: Hypothesis[];
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

/** A rule's verdict; `pending` (why) when it can be neither confirmed nor ruled out until its evidence arrives. */
type Verdict = Hypothesis & { pending?: string };
type Rule = (c: RuleContext) => Verdict;

const holds = (cause: IncidentPattern, evidence: string[], at?: string, against: string[] = []): Hypothesis => ({ cause, holds: true, for: evidence, against, ...(at ? { at } : {}) });
const fails = (cause: IncidentPattern, against: string[], evidence: string[] = []): Hypothesis => ({ cause, holds: false, for: evidence, against });

const ratio = (c: RuleContext, s: string): string => `rps x${c.features.rpsRatio(s).toFixed(1)}`;
const pct = (v: number | null): string => (v === null ? '?' : v.toFixed(0));
const LATENCY_METRICS = new Set(['latency_ms', 'db_latency_ms']);

/** `part` over `whole` in a service's last window (0 when either is missing). */
function share(c: RuleContext, service: string, part: string, whole: string): number {
  const p = c.features.lastMean(service, part);
  const w = c.features.lastMean(service, whole);
  return p !== null && w !== null && w > 0 ? p / w : 0;
}

/** The service with the largest value of `score` among `services` (for what speaks against a cause: the closest it came). */
function closest(services: readonly string[], score: (s: string) => number): { service: string; value: number } | null {
  let best: { service: string; value: number } | null = null;
  for (const s of services) {
    const value = score(s);
    if (best === null || value > best.value) best = { service: s, value };
  }
  return best;
}

function attack(c: RuleContext): Hypothesis {
  const top = (x: string): number => c.features.lastMean(x, 'top_sources_share') ?? 0;
  const heavy = (x: string): number => c.features.lastMean(x, 'heavy_sources_share') ?? 0;
  const s = c.traffic.find((x) => c.features.surging(x, c.now) && (top(x) > c.cfg.ddosSourceShare || heavy(x) > c.cfg.heavySourceShare));
  if (s) {
    return holds('ddos', [`${s}: ${ratio(c, s)}`, `${pct(top(s))} % from the top 10 sources`, `${pct(heavy(s))} % from sources at over 10x the median rate`], s);
  }
  const surging = c.traffic.filter((x) => c.features.surging(x, c.now));
  if (surging.length === 0) return fails('ddos', ['no surge at any entry of the incident']);
  const near = closest(surging, heavy)!;
  return fails('ddos', [`${near.service}: surging, but sources spread (${pct(top(near.service))} % top 10, ${pct(near.value)} % heavy)`]);
}

function deployRegression(c: RuleContext): Verdict {
  const windowMs = c.cfg.deployWindowS * 1000;
  const waiting = deployEvidencePending(c);
  for (const a of c.alerts) {
    if (a.metric !== 'error_rate') continue;
    const deploy = c.features.lastDeployBetween(a.service, a.firstTs - windowMs, a.firstTs);
    if (deploy) return judgeRelease(c, a, deploy, waiting);
  }
  const none = fails('deploy-regression', [`no error_rate alert within ${c.cfg.deployWindowS} s of a deploy_version change`]);
  return waiting ? { ...none, pending: waiting } : none;
}

/**
 * A deploy check (the detector saw a deploy_version change before these errors) newer than the
 * service's last window: the detector raises on the sample, before the window holding the
 * deploy, and the canary comparison of the instances that began failing, closes. Judged before
 * then, a failing release would be called data corruption, or blamed on timing alone.
 */
function deployEvidencePending(c: RuleContext): string | null {
  const a = c.alerts.find((x) => x.rule === DEPLOY_CHECK_RULE && c.features.awaiting(x.service, x.firstTs, c.now));
  return a ? `${a.service}: deploy check newer than its last window (the deploy and its canary not known yet)` : null;
}

/**
 * An error_rate alert after a deploy: the release is blamed on the canary's evidence, or on
 * timing alone without one (once no canary can still come: `waiting`).
 */
function judgeRelease(c: RuleContext, a: AlertFact, deploy: Deploy, waiting: string | null): Verdict {
  const timing = `${a.service}: error_rate alert ${Math.max(0, Math.round((a.firstTs - deploy.start) / 1000))} s after a deploy_version change`;
  if (!deploy.canary) {
    if (waiting) return { ...fails('deploy-regression', ['no canary comparison yet'], [timing]), pending: waiting };
    // a return to a version that served within the SLO before (a rollback) is no new release
    if (deploy.servedWellBefore) return fails('deploy-regression', [`${a.service}: the deploy returned to a version that served within its SLO before`], [timing, 'no canary comparison']);
    // timing alone blames no release whose service's errors a failing dependency explains (errors flow to callers)
    const dependency = c.alerts.find((x) => x.metric === 'error_rate' && x.firstTs <= a.firstTs && dependenciesOf(a.service, c.topology).has(x.service));
    if (dependency) return fails('deploy-regression', [`${dependency.service}, a dependency of ${a.service}, failing since no later: its errors explain ${a.service}'s`], [timing, 'no canary comparison']);
    return holds('deploy-regression', [timing], a.service, ['no canary comparison (the release reached every instance at once): timing only']);
  }
  const slo = c.topology(a.service)?.sloErrorRate ?? 1;
  const { newPct, oldPct } = deploy.canary;
  const canary = `while both served, the new version failed ${newPct.toFixed(2)} % of requests, the previous one ${oldPct.toFixed(2)} %`;
  return newPct - oldPct >= c.cfg.canaryMargin * slo
    ? holds('deploy-regression', [timing, canary], a.service)
    : fails('deploy-regression', [`${canary}: the release is not worse (margin ${(c.cfg.canaryMargin * slo).toFixed(2)} points)`], [timing]);
}

function blockingQueries(c: RuleContext): Hypothesis {
  // queries waiting on locks: the pool fills too (connections are held while waiting), but more slots would only queue more waiters
  const s = c.services.find((x) => share(c, x, 'db_lock_wait_ms', 'db_latency_ms') >= c.cfg.lockWaitShare);
  if (s) return holds('blocking-queries', [`${s}: queries wait ${pct(c.features.lastMean(s, 'db_lock_wait_ms'))} ms on locks of ${pct(c.features.lastMean(s, 'db_latency_ms'))} ms`], s);
  // once the pool is full, the queue for a connection dwarfs the lock waits that filled it: compare them with a whole query as it usually is
  const held = c.services.find((x) => locksHoldConnections(c, x));
  if (held) {
    return holds('blocking-queries', [`${held}: queries wait ${pct(c.features.lastMean(held, 'db_lock_wait_ms'))} ms on locks, longer than a whole query usually takes (${pct(c.features.usualMean(held, 'db_latency_ms'))} ms): each connection is held at least twice as long`], held);
  }
  const near = closest(c.services, (x) => share(c, x, 'db_lock_wait_ms', 'db_latency_ms'));
  return fails('blocking-queries', [near && near.value > 0 ? `${near.service}: lock waits are ${(100 * near.value).toFixed(0)} % of db latency` : 'no lock waits measured']);
}

/** Lock waits at least as long as the service's usual db latency: by Little's law the pool's occupancy at least doubles. */
function locksHoldConnections(c: RuleContext, service: string): boolean {
  const wait = c.features.lastMean(service, 'db_lock_wait_ms');
  const usual = c.features.usualMean(service, 'db_latency_ms');
  return wait !== null && usual !== null && usual > 0 && wait >= usual;
}

function nodeDegradation(c: RuleContext): Hypothesis {
  const s = c.services.find((x) => networkAdded(c, x) >= c.cfg.networkShare);
  if (s) return holds('node-degradation', [`${s}: ${pct(c.features.lastMean(s, 'net_latency_ms'))} ms of its ${pct(c.features.lastMean(s, 'latency_ms'))} ms are the network to its nodes (usually ${pct(c.features.usualMean(s, 'net_latency_ms') ?? 0)} ms)`], s);
  const near = closest(c.services, (x) => networkAdded(c, x));
  return fails('node-degradation', [near ? `${near.service}: the network's rise is ${(100 * near.value).toFixed(0)} % of its latency` : 'no network round trip measured']);
}

/**
 * The share of a service's latency that the network to its nodes added over its usual round
 * trip: a degraded node slows the network; a database answering in 4 ms over a healthy 1 ms
 * network is fast, not degraded (its network is a quarter of its latency and always was).
 */
function networkAdded(c: RuleContext, service: string): number {
  const net = c.features.lastMean(service, 'net_latency_ms');
  const latency = c.features.lastMean(service, 'latency_ms');
  if (net === null || latency === null || latency <= 0) return 0;
  return Math.max(0, net - (c.features.usualMean(service, 'net_latency_ms') ?? 0)) / latency;
}

function poolSaturation(c: RuleContext): Hypothesis {
  const pool = (x: string): number | null => c.features.lastMean(x, 'db_pool_usage');
  const full = (x: string): boolean => c.alerting(x, 'db_pool_usage') || (pool(x) ?? 0) >= c.cfg.poolHighPct;
  // the pool itself must be full: slow queries behind locks raise db latency with the pool half empty
  const s = c.services.find((x) => full(x) && !c.alerting(x, 'cpu'));
  if (s) return holds('pool-saturation', [`${s}: connection pool at ${pct(pool(s))} %`, 'cpu not alerting'], s);
  const busy = c.services.find(full);
  return busy ? fails('pool-saturation', [`${busy}: cpu alerting too (the pool fills because the database is busy)`], [`${busy}: pool at ${pct(pool(busy))} %`])
    : fails('pool-saturation', ['no connection pool full']);
}

function memoryLeak(c: RuleContext): Hypothesis {
  const s = c.services.find((x) => ['memory', 'memory_mb'].some((m) => c.alerting(x, m) && c.features.risingSteadily(x, m)));
  // located: the leaking service may join an incident another service opened, and a restart must go to it
  if (s) return holds('memory-leak', [`${s}: memory alerting and rising window after window`], s);
  const alerting = c.services.find((x) => c.alerting(x, 'memory') || c.alerting(x, 'memory_mb'));
  return fails('memory-leak', [alerting ? `${alerting}: memory alerting but not rising steadily` : 'no memory alert']);
}

function trafficSurge(c: RuleContext): Hypothesis {
  const s = c.traffic.find((x) => c.features.surging(x, c.now));
  return s ? holds('traffic-surge', [`${s}: ${ratio(c, s)} over its baseline`, 'sources spread']) : fails('traffic-surge', ['no service of the incident or calling it over twice its rps baseline']);
}

function externalDependency(c: RuleContext): Hypothesis {
  const tier = c.topology(c.root)?.tier ?? '';
  if (EXTERNAL_TIERS.has(tier)) return holds('dependency-timeout', [`${c.root}: external (${tier}) dependency alerting`]);
  // a partner alerting after its caller is still the cause: nothing we run makes a partner slow;
  // its caller may sit anywhere in the incident, not only under the ranked root (a deep service
  // that alerted first on its own CPU leads an incident its partner joined later)
  for (const partner of c.services.filter((x) => EXTERNAL_TIERS.has(c.topology(x)?.tier ?? ''))) {
    const caller = c.services.find((s) => dependenciesOf(s, c.topology).has(partner));
    if (caller) return holds('dependency-timeout', [`${partner}: external (${c.topology(partner)?.tier}) dependency of ${caller} alerting`], partner);
  }
  if (c.alerting(c.root, (m) => m.includes('timeout'))) return holds('dependency-timeout', [`${c.root}: timeouts alerting`]);
  return fails('dependency-timeout', [`${c.root}: an own service, no timeout alert`]);
}

function dataCorruption(c: RuleContext): Verdict {
  // errors that no deploy, no partner, no latency and no saturation explain: the data the service
  // reads. The root first; then any service of the incident whose errors its own dependencies do
  // not explain (a corruption that began after another cause opened the incident)
  const root = corruptionAt(c, c.root);
  if (root.holds) return root;
  for (const s of c.services) {
    if (s === c.root || !c.alerting(s, 'error_rate')) continue;
    if (c.services.some((x) => c.alerting(x, 'error_rate') && dependenciesOf(s, c.topology).has(x))) continue; // its errors flow from a dependency
    // a later cause is named on errors its last window already shows (an alert outlives the
    // requests an overload dropped), never at the entry of a surge or an attack, whose errors its
    // load and the limits put on it explain
    const errors = c.features.lastMean(s, 'error_rate');
    if (errors === null || errors <= (c.topology(s)?.sloErrorRate ?? 1) || c.features.surging(s, c.now)) continue;
    const there = corruptionAt(c, s);
    if (there.holds) return { ...there, at: s };
  }
  return root;
}

/**
 * Whether `service`'s errors read as corrupt data: alerting, errors still there in its last
 * window, on average or at its end, when that window closed after the alert began (an alert
 * outlives the requests an overload dropped, and the overload may be over), not external,
 * latency within its SLO, not saturated. Saturated reads the window's p90 cpu: an overload in
 * bursts (a queue that fills and drains) drops requests at its peaks while the window's mean
 * stays well below them.
 */
function corruptionAt(c: RuleContext, service: string): Verdict {
  const info = c.topology(service);
  const latency = c.features.lastMean(service, 'latency_ms');
  const cpu = c.features.lastStat(service, 'cpu', 'p90');
  const alert = c.alerts.find((a) => a.service === service && a.metric === 'error_rate');
  if (!alert) return fails('data-corruption', [`${service}: no error_rate alert`]);
  // Latency and saturation from a window that closed before the errors began say nothing of them:
  // a burst that fills a shared database's pool for half a minute would read as corrupt data.
  if (c.features.awaiting(service, alert.firstTs, c.now)) {
    return { ...fails('data-corruption', [`${service}: no window since its errors began`]), pending: `${service}: latency and saturation since its errors began not known yet` };
  }
  const errors = Math.max(c.features.lastMean(service, 'error_rate') ?? -1, c.features.lastStat(service, 'error_rate', 'last') ?? -1);
  const seen = (c.features.lastEnd(service) ?? -Infinity) > alert.firstTs;
  if (seen && errors <= (info?.sloErrorRate ?? 1)) return fails('data-corruption', [`${service}: errors in its last window within its SLO (${errors < 0 ? '?' : errors.toFixed(2)} %)`]);
  if (EXTERNAL_TIERS.has(info?.tier ?? '')) return fails('data-corruption', [`${service}: an external dependency`]);
  if (latency === null || latency > (info?.sloLatencyMs ?? Infinity)) return fails('data-corruption', [`${service}: latency ${pct(latency)} ms over its SLO (overload or a slow dependency explains errors)`]);
  if (cpu !== null && cpu >= 90) return fails('data-corruption', [`${service}: cpu p90 ${pct(cpu)} % (saturated)`]);
  return holds('data-corruption', [`${service}: errors with latency ${pct(latency)} ms within its SLO`, 'no saturated resource']);
}

function cascade(c: RuleContext): Hypothesis {
  return c.services.some((s) => s !== c.root && onOneChain(s, c.root, c.topology))
    ? holds('cascade', [`${c.services.length} services along the dependency chain of ${c.root}`])
    : fails('cascade', ['no other alerting service on the dependency chain of the root']);
}

function slowDependency(c: RuleContext): Hypothesis {
  return c.alerting(c.root, (m) => LATENCY_METRICS.has(m)) && hasDependents(c.root, c.allServices, c.topology)
    ? holds('dependency-timeout', [`${c.root}: latency alerting while other services depend on it`])
    : fails('dependency-timeout', [`${c.root}: no latency alert on a service others depend on`]);
}

function saturation(c: RuleContext): Hypothesis {
  const s = c.services.find((x) => (c.alerting(x, 'cpu') || c.alerting(x, 'latency_ms') || c.alerting(x, 'queue_depth'))
    && (c.features.surging(x, c.now) || c.features.rpsRatio(x) >= c.cfg.highRpsFactor));
  return s ? holds('saturation', [`${s}: cpu/latency alerting at ${ratio(c, s)} of its baseline`])
    : fails('saturation', [`no alerting service above x${c.cfg.highRpsFactor} of its rps baseline`]);
}

/**
 * The rules, most specific first; the first that holds names the pattern. An incident keeps
 * the most specific rule it has matched while open (see the correlator). `dependency-timeout`
 * appears twice: an external root beats `cascade`, an internal dependency's latency alert on
 * its own only beats `saturation` and `single`.
 */
const RULES: readonly Rule[] = [
  attack, deployRegression, blockingQueries, nodeDegradation, poolSaturation, memoryLeak, trafficSurge,
  externalDependency, dataCorruption, cascade, slowDependency, saturation,
];

/**
 * Weighs every rule; the first that holds names the pattern, `single` when none does; every
 * cause comes back with its evidence for and against (one entry per cause, those that hold first).
 * Pure: the features, the catalogue topology and the thresholds come in.
 */
export function classify(input: PatternInput, features: Features, topology: Topology, allServices: readonly string[], cfg: PatternConfig): PatternMatch {
  const ctx: RuleContext = {
    ...input, features, topology, allServices, cfg,
    traffic: [...input.services, ...allServices.filter((s) => !input.services.includes(s)
      && input.services.some((x) => dependenciesOf(s, topology).has(x)))],
    alerting: (s, m) => input.alerts.some((a) => a.service === s && (typeof m === 'string' ? a.metric === m : m(a.metric))),
  };
  const weighed = RULES.map((rule, rank) => {
    const { pending, ...h } = rule(ctx);
    return { rank, h, pending };
  });
  const ordered = [...weighed.filter((x) => x.h.holds), ...weighed.filter((x) => !x.h.holds)].map((x) => x.h);
  const hypotheses = ordered.filter((h, i) => ordered.findIndex((o) => o.cause === h.cause) === i);
  const first = weighed.find((x) => x.h.holds);
  const waiting = weighed.find((x) => x.pending && x.rank < (first?.rank ?? RULES.length));
  const pending = waiting ? { pending: waiting.pending } : {};
  if (!first) return { pattern: 'single', evidence: 'one signal, no multi-signal pattern', rank: RULES.length, hypotheses, ...pending };
  const { cause, at } = first.h;
  return { pattern: cause, evidence: `${first.h.for.join('; ')}`, rank: first.rank, hypotheses, ...(at ? { at } : {}), ...pending };
}
