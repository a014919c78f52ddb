import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { ActionResult, Incident } from '../../../runtime/contracts/index.js';
import { loadPolicy } from '../../../policies/load.js';
import type { PolicyEmitted } from '../../../policies/machine-kit.js';
import { remediationMachine } from '../../../policies/remediation.machine.js';
import { capacityAdded, checkPasses, checkSample, compensation, failedPreconditions, outgrown, selectEntry, withSloThreshold } from '../../../policies/remediation-plan.js';
import type { CatalogueEntry } from '../../../policies/schema.js';
import { MIN, T0, result, win } from './fixtures.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

const policy = loadPolicy();
const entry = (id: string): CatalogueEntry => policy.catalogue.find((e) => e.id === id)!;

function incident(pattern: Incident['pattern'], metric = 'latency_ms'): Incident {
  return {
    id: 'inc-1', service: 'db', status: 'open', services: ['db', 'api'], alertIds: ['a1'], metrics: [`db.${metric}`],
    rootCause: { service: 'db', metric, reason: 'earliest upstream' }, candidates: [{ service: 'db', score: 0.9 }],
    pattern, severity: 'red', score: 0.9, confidence: 0.8, openedAt: T0, revision: ++incidentRevisions, ts: T0,
  };
}

function run(e: CatalogueEntry, opts: { dryRun?: boolean; breakerThreshold?: number } = {}) {
  const settings = { ...policy.remediation, breakerThreshold: opts.breakerThreshold ?? policy.remediation.breakerThreshold };
  const actor = createActor(remediationMachine, {
    input: { runId: 'rem-inc-1-1', incidentId: 'inc-1', service: 'db', entry: e, settings, dryRun: opts.dryRun ?? false, now: T0 },
  });
  const emitted: PolicyEmitted[] = [];
  actor.on('*', (ev) => emitted.push(ev as PolicyEmitted));
  actor.start();
  const acts = () => emitted.flatMap((ev) => (ev.type === 'act' ? [ev.action] : []));
  const reply = (status: ActionResult['status'], now: number, before = {}, after = {}) => {
    const a = acts().at(-1)!;
    actor.send({ type: 'RESULT', now, result: result(a.actionId, 'db', a.type, status, now, before, after) });
  };
  const metrics = (minute: number, values: Record<string, number>) =>
    actor.send({ type: 'METRICS', now: T0 + (minute + 1) * MIN, window: win('db', minute, 4, values) });
  return { actor, emitted, acts, reply, metrics, state: () => actor.getSnapshot().value };
}

describe('remediation: catalogue selection', () => {
  it('remediation: each incident pattern gets the documented corrective action', () => {
    const pick = (p: Incident['pattern'], m?: string, tier?: string) => selectEntry(policy.catalogue, incident(p, m), [], tier)?.id ?? null;
    expect(pick('pool-saturation', 'latency_ms')).toBe('pool-resize');
    expect(pick('deploy-regression', 'error_rate')).toBe('rollback-deploy');
    expect(pick('ddos', 'rps')).toBe('anti-ddos');
    expect(pick('memory-leak', 'memory')).toBe('restart');
    expect(pick('dependency-timeout', 'latency_ms', 'partner')).toBe('cache-fallback');
    expect(pick('dependency-timeout', 'latency_ms', 'data')).toBeNull(); // a cache stands in for a partner, not for our own database
    expect(pick('cascade', 'db_latency_ms', 'data')).toBe('kill-blocking-queries');
    expect(pick('saturation', 'cpu')).toBeNull(); // the scaling machine's job, not a remediation
    expect(pick('single', 'queue_depth')).toBe('scale-workers');
    expect(pick('cascade', 'latency_ms')).toBe('circuit-breaker');
    expect(pick('cascade', 'cpu')).toBeNull(); // a saturated root: the scaling machine's job
    expect(pick('data-corruption', 'error_rate')).toBe('isolate-data');
    // a lone error signal the evidence did not call corruption (overload, a slow dependency, a surge
    // on top of a rollback) gets no destructive fix: the scaling machine and people answer it
    expect(pick('single', 'error_rate')).toBeNull();
    expect(selectEntry(policy.catalogue, incident('ddos'), ['anti-ddos'])).toBeNull();
  });

  it('remediation: pool saturation resizes the pool (+50 %, more for the forecast demand) and never scales out; DDoS rate-limits then blocks', () => {
    expect(entry('pool-resize').phases.map((p) => [p.type, p.params])).toEqual([['pool-resize', { factor: { poolForUsage: 70, otherwise: 1.5, atMost: 10 } }]]);
    expect(entry('anti-ddos').phases.map((p) => p.type)).toEqual(['rate-limit', 'block-ips']);
    const covered = new Set(policy.catalogue.flatMap((e) => e.phases.map((p) => p.type)));
    for (const t of ['restart', 'cache-flush', 'reroute', 'scale-workers', 'circuit-breaker', 'rollback-deploy', 'block-ips',
      'rate-limit', 'kill-blocking-queries', 'pool-resize', 'cache-fallback', 'isolate-data']) expect(covered).toContain(t);
  });

  it('remediation: the compensation restores the actuator\'s before state', () => {
    expect(compensation('pool-resize', { size: 20 }, { size: 30 })).toEqual({ type: 'pool-resize', params: { size: 20, from: 30 } });
    expect(compensation('rate-limit', {}, { rps: 50 })).toEqual({ type: 'rate-limit-off', params: {} });
    expect(compensation('restart', {}, {})).toBeNull();
  });
});

describe('remediation: runs', () => {
  it('remediation: success path: pre-validation, receipt, phases, post-validation, done', () => {
    const r = run(entry('anti-ddos'));
    r.actor.send({ type: 'START', now: T0, window: win('db', 0, 4, { latency_ms: 900, rps: 9000 }) });
    expect(r.emitted[0]).toMatchObject({ type: 'note', event: 'receipt', detail: { instances: 4, metrics: { rps: 9000 } } });
    expect(r.acts()[0]).toMatchObject({ actionId: 'rem-inc-1-1_p0', type: 'rate-limit' });
    r.reply('applied', T0 + 1000);
    expect(r.acts()[1]).toMatchObject({ actionId: 'rem-inc-1-1_p1', type: 'block-ips' });
    r.reply('applied', T0 + 2000);
    expect(r.state()).toBe('postValidation');
    // judged on the attack's own signal: the heavy sources are gone, the overload left is the scaling machine's
    for (let m = 1; m <= 5; m++) r.metrics(m, { heavy_sources_share: 3, latency_ms: 900 });
    r.actor.send({ type: 'TICK', now: T0 + 2000 + 300_000 });
    expect(r.state()).toBe('done');
    expect(r.actor.getSnapshot().output).toMatchObject({ status: 'done', reason: 'post-validation passed' });
  });

  it('remediation: a reroute is judged by the network\'s share of latency, a cache fallback by its service\'s SLO', () => {
    const reroute = entry('reroute').postValidation;
    // a surge on top keeps latency high: the network's part of it is what a reroute answers
    expect(checkSample(reroute, win('api', 0, 3, { net_latency_ms: 5, latency_ms: 900 }))).toBeCloseTo(5 / 900);
    expect(checkSample(reroute, win('api', 0, 3, { net_latency_ms: 5 }))).toBeUndefined();
    const service = { service: 'api', tier: 'app', owner: 'o', criticality: 'high' as const, dependsOn: [], users: 0, billable: false, unitPrice: 0, sloLatencyMs: 1000, sloErrorRate: 2 };
    expect(withSloThreshold(entry('cache-fallback'), service).postValidation.threshold).toBe(1000);
    expect(withSloThreshold(entry('rollback-deploy'), service).postValidation.threshold).toBe(2);
    expect(withSloThreshold(entry('cache-fallback'), undefined).postValidation.threshold).toBe(200);
  });

  it('remediation: a failed post-validation rolls the executed phases back in reverse order', () => {
    const r = run(entry('anti-ddos'));
    r.actor.send({ type: 'START', now: T0 });
    r.reply('applied', T0 + 1000, { rps: null }, { rps: 50 });
    r.reply('applied', T0 + 2000, {}, { blocked: 10 });
    for (let m = 1; m <= 5; m++) r.metrics(m, { heavy_sources_share: 60, latency_ms: 120 });
    r.actor.send({ type: 'TICK', now: T0 + 2000 + 300_000 });
    expect(r.state()).toBe('rollingBack');
    expect(r.acts().slice(2).map((a) => [a.actionId, a.type, a.compensates])).toEqual([
      ['rem-inc-1-1_u1', 'unblock-ips', 'rem-inc-1-1_p1'],
    ]);
    r.reply('applied', T0 + 303_000);
    expect(r.acts().at(-1)).toMatchObject({ actionId: 'rem-inc-1-1_u0', type: 'rate-limit-off', compensates: 'rem-inc-1-1_p0' });
    r.reply('applied', T0 + 304_000);
    expect(r.actor.getSnapshot().output).toMatchObject({ status: 'rolledBack', reason: 'post-validation failed' });
  });

  it('remediation: the circuit breaker opens after N consecutive failures, retries use new step ids', () => {
    const r = run(entry('anti-ddos'), { breakerThreshold: 3 });
    r.actor.send({ type: 'START', now: T0 });
    r.reply('applied', T0 + 1000);
    r.reply('failed', T0 + 2000);
    r.actor.send({ type: 'TICK', now: T0 + 2000 + 60_000 }); // second attempt timed out
    r.reply('failed', T0 + 70_000);
    expect(r.acts().map((a) => a.actionId)).toEqual([
      'rem-inc-1-1_p0', 'rem-inc-1-1_p1', 'rem-inc-1-1_p1-2', 'rem-inc-1-1_p1-3', 'rem-inc-1-1_u0',
    ]);
    expect(r.state()).toBe('rollingBack');
    r.reply('applied', T0 + 71_000);
    expect(r.actor.getSnapshot().output?.status).toBe('rolledBack');
    expect(r.actor.getSnapshot().output?.reason).toMatch(/circuit breaker open after 3/);
  });

  it('remediation: a pool resize is judged on the pool, not on a latency an overload beside it keeps high', () => {
    const r = run(entry('pool-resize'));
    r.actor.send({ type: 'START', now: T0 });
    r.reply('applied', T0 + 1000, { size: 20 }, { size: 200 });
    for (let m = 1; m <= 5; m++) r.metrics(m, { db_pool_usage: 45, latency_ms: 900 });
    r.actor.send({ type: 'TICK', now: T0 + 1000 + 300_000 });
    expect(r.actor.getSnapshot().output).toMatchObject({ status: 'done', reason: 'post-validation passed' });
  });

  it('remediation: an undo that keeps failing ends escalated; an irreversible step is noted, not undone', () => {
    const r = run(entry('restart'));
    r.actor.send({ type: 'START', now: T0, window: win('db', 0, 3, { memory: 95 }) });
    r.reply('applied', T0 + 1000);
    r.actor.send({ type: 'TICK', now: T0 + 1000 + 300_000 }); // no data at all over the window
    expect(r.actor.getSnapshot().output).toMatchObject({ status: 'escalated', reason: 'post-validation: no data over its window' });

    const p = run(entry('pool-resize'));
    p.actor.send({ type: 'START', now: T0 });
    p.reply('applied', T0 + 1000, { size: 20 }, { size: 30 });
    p.metrics(1, { latency_ms: 600, db_pool_usage: 100 });
    p.actor.send({ type: 'TICK', now: T0 + 1000 + 300_000 });
    expect(p.acts().at(-1)).toMatchObject({ type: 'pool-resize', params: { size: 20, from: 30 } });
    p.reply('failed', T0 + 302_000);
    p.actor.send({ type: 'TICK', now: T0 + 302_000 + 120_000 }); // second attempt times out
    expect(p.actor.getSnapshot().output?.status).toBe('escalated');
    expect(p.actor.getSnapshot().context.undoFailures).toEqual(['rem-inc-1-1_u0-2']);

    const noUndo = run(entry('restart'));
    noUndo.actor.send({ type: 'START', now: T0, window: win('db', 0, 3, { memory: 95 }) });
    noUndo.reply('applied', T0 + 1000);
    noUndo.metrics(1, { memory: 96 });
    noUndo.actor.send({ type: 'TICK', now: T0 + 400_000 });
    expect(noUndo.emitted.some((e) => e.type === 'note' && e.event === 'undo-impossible')).toBe(true);
    expect(noUndo.actor.getSnapshot().output?.status).toBe('rolledBack');
  });

  it('remediation: no circuit breaker on a service saturated at its peaks, however low its mean cpu', () => {
    const breaker = entry('circuit-breaker');
    const at = (cpu: Partial<Record<'mean' | 'p90', number>>) => {
      const w = win('api', 0, 2, { cpu: cpu.mean ?? 0, latency_ms: 900 });
      w.metrics.cpu = { ...w.metrics.cpu, p90: cpu.p90 ?? cpu.mean ?? 0, max: Math.max(cpu.p90 ?? 0, cpu.mean ?? 0) };
      return failedPreconditions(breaker, w);
    };
    expect(at({ mean: 40, p90: 55 })).toEqual([]); // slow for another reason: its dependency
    expect(at({ mean: 75, p90: 100 })).toHaveLength(1); // an overload in bursts: scaling's job
  });

  it('remediation: no circuit breaker on a service within its own latency SLO (fromSlo preconditions)', () => {
    const deep = { service: 'api', sloLatencyMs: 1500, sloErrorRate: 1 } as Parameters<typeof withSloThreshold>[1];
    const breaker = withSloThreshold(entry('circuit-breaker'), deep);
    const at = (p90: number) => {
      const w = win('api', 0, 2, { cpu: 40, latency_ms: p90 });
      w.metrics.latency_ms = { ...w.metrics.latency_ms, p90 };
      return failedPreconditions(breaker, w);
    };
    expect(at(600)).toEqual(['latency_ms p90 > 1500 (is 600)']); // a deep chain's usual latency, within its SLO
    expect(at(2400)).toEqual([]);
    expect(failedPreconditions(entry('circuit-breaker'), win('api', 0, 2, { cpu: 40, latency_ms: 600 }))).toEqual([]); // uncatalogued: 200 ms
  });

  it('remediation: failed preconditions or a silent owner end escalated', () => {
    const r = run(entry('pool-resize'));
    r.actor.send({ type: 'START', now: T0, window: win('db', 0, 1, { db_pool_usage: 40 }) });
    expect(r.actor.getSnapshot().output).toMatchObject({ status: 'escalated' });
    expect(r.actor.getSnapshot().output?.reason).toMatch(/db_pool_usage mean >= 80 \(is 40\)/);
    expect(r.acts()).toHaveLength(0);
    const silent = run(entry('restart'));
    silent.actor.send({ type: 'TICK', now: T0 + 60_000 });
    expect(silent.actor.getSnapshot().output).toMatchObject({ status: 'escalated', reason: 'pre-validation timed out' });
  });

  it('remediation: dry run sends every phase with nothing applied and ends done without rollback', () => {
    const r = run(entry('anti-ddos'), { dryRun: true });
    r.actor.send({ type: 'START', now: T0 });
    r.reply('dry-run', T0 + 1000);
    r.reply('dry-run', T0 + 2000);
    expect(r.actor.getSnapshot().output).toMatchObject({ status: 'done', reason: 'dry run: every phase sent, nothing applied' });
    expect(r.acts()).toHaveLength(2);
    expect(r.actor.getSnapshot().context.dryRun).toBe(true);
  });

  it('remediation: a result for a step already done is ignored', () => {
    const r = run(entry('anti-ddos'));
    r.actor.send({ type: 'START', now: T0 });
    r.reply('applied', T0 + 1000);
    r.actor.send({ type: 'RESULT', now: T0 + 1500, result: result('rem-inc-1-1_p0', 'db', 'rate-limit', 'applied', T0 + 1500) });
    expect(r.actor.getSnapshot().context.executed).toHaveLength(1);
    expect(r.state()).toBe('executing');
  });
});

describe('remediation: a check failed by demand the fix was not sized for', () => {
  const pool = { metric: 'db_pool_usage', stat: 'mean' as const, op: '<' as const, threshold: 80, windowS: 300, aggregate: 'mean' as const };
  const latency = { ...pool, metric: 'latency_ms', threshold: 300 };

  const rps = (...xs: number[]) => xs.map((x) => ({ rps: x }));

  it('outgrown: more demand than the capacity added, whatever the check', () => {
    expect(outgrown(latency, { rps: 300 }, 1.5, rps(600, 600))).toBe(2);
    expect(outgrown(latency, { rps: 300 }, 1.5, rps(400, 400))).toBeNull(); // a latency does not scale with load: the fix is judged
    expect(outgrown(latency, { rps: 300 }, 1, rps(900))).toBeNull(); // a fix that added no capacity is judged on its check
  });

  it('outgrown: more demand answered faster than at the receipt (slow queries and a surge filling a pool ten times larger)', () => {
    const seen = [{ rps: 2860, latencyMs: 28 }, { rps: 3216, latencyMs: 239 }, { rps: 3033, latencyMs: 1803 }, { rps: 3194, latencyMs: 2246 }];
    expect(outgrown(pool, { rps: 1270, db_pool_usage: 97, latency_ms: 4155 }, 10, seen)).toBeCloseTo(2.42, 2);
    expect(outgrown(pool, { rps: 1270, db_pool_usage: 97, latency_ms: 900 }, 10, seen)).toBeNull(); // slower than before: it did not help
  });

  it('outgrown: a utilisation already short at the receipt projects past the check once demand grows (a saturated pool resized too little)', () => {
    expect(outgrown(pool, { rps: 2882, db_pool_usage: 92 }, 1.5, rps(3332, 3332, 4460, 4105))).toBeCloseTo(1.32, 2);
    expect(outgrown(pool, { rps: 2882, db_pool_usage: 60 }, 1.5, rps(3332, 3332, 4460, 4105))).toBeNull(); // 60 x 1.32 / 1.5 = 53: the fix should have passed
    expect(outgrown(pool, { rps: 300, db_pool_usage: 98 }, 1.5, rps(290))).toBeNull(); // demand fell: the fix did not help
  });

  it('capacityAdded: the product of the applied steps\' size and instance ratios', () => {
    const step = (before: Record<string, unknown>, after: Record<string, unknown>, applied = true) => ({ applied, before, after });
    expect(capacityAdded([step({ size: 20 }, { size: 30 }), step({ instances: 2 }, { instances: 4 }), step({ size: 2 }, { size: 4 }, false)])).toBe(3);
    expect(capacityAdded([step({ mode: 'closed' }, { mode: 'degraded' })])).toBe(1);
  });
});

describe('remediation: how a check\'s windows combine', () => {
  it('median: the backlog a fix leaves to drain in its first window does not fail it, nor does one good window pass a failing one', () => {
    const check = { metric: 'latency_ms', stat: 'p90' as const, op: '<' as const, threshold: 480, windowS: 300, aggregate: 'median' as const };
    expect(checkPasses(check, [2453, 34, 36, 35, 35])).toBe(true);
    expect(checkPasses({ ...check, aggregate: 'mean' }, [2453, 34, 36, 35, 35])).toBe(false);
    expect(checkPasses(check, [5000, 5100, 34, 4900])).toBe(false);
  });

  it('the catalogue judges a fix by its SLO on the median window (a cache fallback that worked after a drain is kept)', () => {
    const bySlo = loadPolicy().catalogue.filter((e) => e.postValidation.fromSlo);
    expect(bySlo.map((e) => e.id)).toEqual(['rollback-deploy', 'cache-fallback', 'circuit-breaker', 'isolate-data']);
    expect(new Set(bySlo.map((e) => e.postValidation.aggregate))).toEqual(new Set(['median']));
  });
});
