import { describe, expect, it } from 'vitest';
import { CapacityPlanner } from '../../../agents/intermediate/predictor/planner.js';
import { loadPolicy } from '../../../policies/load.js';
import { withMeasuredParams } from '../../../policies/remediation-plan.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import type { CapacityPlan } from '../../../runtime/contracts/index.js';
import { MIN, T0, result, win } from '../policies/fixtures.js';

const loaded = loadPolicy();
const policy = loaded.scaling;
const planner = (): CapacityPlanner => new CapacityPlanner((s) => scalingPolicyFor(policy, s, undefined));
const poolEntry = () => loaded.catalogue.find((e) => e.id === 'pool-resize')!;
const factorOf = (window = win('db', 0, 2, { db_pool_usage: 100, rps: 900 }), plan?: CapacityPlan): unknown =>
  withMeasuredParams(poolEntry(), window, plan).phases[0].params.factor;

/**
 * Issue 8: a connection pool is capacity too. The predictor learns how full one request per
 * second keeps the pool (below saturation, where usage grows with the rps), and a pool resize is
 * sized for the demand the forecast brings, not by a fixed +50 % that a 5x surge outgrows.
 */
describe('predictor and remediation: the pool as capacity', () => {
  it('learns db_pool_usage per rps from windows below saturation only (EWMA), and publishes it in the plan', () => {
    const p = planner();
    expect(p.window(win('db', 0, 2, { cpu: 40, rps: 100, db_pool_usage: 40 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.4, 6);
    // a full pool hides the demand behind it, an idle one is noise: neither teaches
    expect(p.window(win('db', 1, 2, { cpu: 60, rps: 400, db_pool_usage: 100 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.4, 6);
    expect(p.window(win('db', 2, 2, { cpu: 20, rps: 100, db_pool_usage: 5 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.4, 6);
    expect(p.window(win('db', 3, 2, { cpu: 40, rps: 100, db_pool_usage: 50 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.4 + 0.3 * 0.1, 6);
    // a service without a pool says nothing of one
    expect(p.window(win('api', 0, 2, { cpu: 40, rps: 100 }))?.capacity).not.toHaveProperty('poolUsagePerRps');
  });

  it('a pool resize divides the load per request by the ratio of the sizes, and its window is not learnt from', () => {
    const p = planner();
    p.window(win('db', 0, 2, { cpu: 40, rps: 100, db_pool_usage: 40 }));
    p.result(result('rem-1_p0', 'db', 'pool-resize', 'applied', T0 + MIN + 10_000, { size: 10 }, { size: 40 }));
    // the window the resize lands in mixes both sizes: 0.1 stays what the resize made it
    expect(p.window(win('db', 1, 2, { cpu: 40, rps: 100, db_pool_usage: 70 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.1, 6);
    expect(p.window(win('db', 2, 2, { cpu: 40, rps: 300, db_pool_usage: 30 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.1, 6);
    // an undo (a smaller pool) multiplies it back
    p.result(result('rem-1_p0_undo', 'db', 'pool-resize', 'applied', T0 + 3 * MIN, { size: 40 }, { size: 10 }));
    expect(p.window(win('db', 4, 2, { cpu: 40, rps: 100, db_pool_usage: 40 }))?.capacity.poolUsagePerRps).toBeCloseTo(0.4, 6);
  });

  it('the pool-resize factor brings the forecast demand to 70 % usage: at least +50 %, at most x10 in one step', () => {
    const p = planner();
    p.window(win('db', 0, 2, { cpu: 40, rps: 100, db_pool_usage: 40 }));
    const surge = p.window(win('db', 1, 2, { cpu: 95, rps: 900, db_pool_usage: 100 }))!;
    const expected = (0.4 * surge.demand!.forecast) / 70;
    expect(expected).toBeGreaterThan(1.5);
    expect(factorOf(undefined, surge)).toBeCloseTo(Math.round(Math.min(10, expected) * 100) / 100, 2);
    // no plan (the predictor down) or no pool learnt: the catalogue's +50 % (a full pool reads 100 %, which says 1.43)
    expect(factorOf()).toBe(1.5);
    // a demand beyond ten times the pool: one step of x10, the next incident goes on from there
    expect(factorOf(undefined, { ...surge, demand: { ...surge.demand!, forecast: 100_000 } })).toBe(10);
  });

  it('queries slower than when the load was learnt hold connections longer: the factor grows with the latency ratio', () => {
    const p = planner();
    const calm = p.window(win('db', 0, 2, { cpu: 40, rps: 100, db_pool_usage: 40, db_latency_ms: 20 }))!;
    expect(calm.capacity.poolLatencyMs).toBeCloseTo(20, 6);
    // the same rps, queries three times slower: the full pool reads 100 %, the latency says how much more it needs
    const slow = win('db', 1, 2, { cpu: 40, rps: 100, db_pool_usage: 100, db_latency_ms: 60 });
    expect(factorOf(slow, calm)).toBeCloseTo(Math.round((100 * 3 / 70) * 100) / 100, 2);
    // faster than learnt never shrinks the need below what the usage says
    expect(factorOf(win('db', 1, 2, { cpu: 40, rps: 100, db_pool_usage: 100, db_latency_ms: 5 }), calm)).toBe(1.5);
  });
});
