import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../policies/load.js';
import { limitsFor, proposeReactive, type Observation } from '../../../policies/scaling-decide.js';
import { proposeDemand } from '../../../policies/scaling-demand.js';
import type { ScalingPolicy } from '../../../policies/schema.js';
import type { CapacityPlan } from '../../../runtime/contracts/index.js';
import { MIN, T0, win } from './fixtures.js';

/** The default policy with the service `db` bounded to `max` instances. */
function policyWith(max: number): ScalingPolicy {
  const p = loadPolicy().scaling;
  return { ...p, services: { db: { maxInstances: max } } };
}

/** A plan of window `minute` of db: `per` rps per instance, demand `forecast` at the horizon. */
function plan(minute: number, instances: number, per: number, forecast: number): CapacityPlan {
  return {
    service: 'db', windowS: 60, windowEnd: T0 + (minute + 1) * MIN, instances,
    capacity: { perInstanceRps: per, samples: 5, settling: false },
    demand: { mean: forecast, level: forecast, noise: 0, slopePerS: 0, slopeSe: 0, horizonS: 60, forecast, low: forecast, high: forecast },
    needed: null, timeToSaturationS: null, ts: T0 + (minute + 1) * MIN,
  };
}

describe('scaling: horizontal and vertical from the same capacity model', () => {
  it('vertical: demand beyond what the maximum count serves grows each instance by the excess, once the count is there', () => {
    const policy = policyWith(4);
    const limits = limitsFor(policy, 'db');
    // 4 x 100 rps at most; 840 rps at the horizon needs ceil(840 / 70) = 12 instances of today's size
    const up = proposeDemand(win('db', 0, 4, { cpu: 99, rps: 400 }), plan(0, 4, 100, 840), policy, limits, true, 1);
    expect(up).toMatchObject({ type: 'scale-up', params: { size: 3, from: 1 }, trigger: 'demand' });
    expect(up?.reason).toMatch(/12 instances needed, 4 at most/);
    // below the maximum the same demand adds instances first (up to the maximum)
    const out = proposeDemand(win('db', 0, 2, { cpu: 99, rps: 400 }), plan(0, 2, 100, 840), policy, limits, true, 1);
    expect(out).toMatchObject({ type: 'scale-out', params: { instances: 4, from: 2 } });
    // never past vertical.maxSize
    const big = proposeDemand(win('db', 0, 4, { cpu: 99, rps: 400 }), plan(0, 4, 100, 5000), policy, limits, true, 1);
    expect(big?.params.size).toBe(policy.vertical.maxSize);
    expect(proposeDemand(win('db', 0, 4, { cpu: 99, rps: 400 }), plan(0, 4, 100, 5000), policy, limits, true, policy.vertical.maxSize)).toBeNull();
  });

  it('vertical: after the surge a grown service shrinks its size before its count, never across a vertical trigger', () => {
    const policy = policyWith(4);
    const quiet: Observation = { breaches: {}, lowSince: T0, recs: [{ ts: T0 + 9 * MIN, replicas: 2 }], peaks: [] };
    const w = win('db', 9, 4, { cpu: 20, rps: 200, memory: 30 });
    expect(proposeReactive(quiet, w, policy, 'db', 3)).toMatchObject({ type: 'scale-down', params: { size: 1.5, from: 3 }, expect: 'hold' });
    expect(proposeReactive(quiet, w, policy, 'db', 1)).toMatchObject({ type: 'scale-in', params: { instances: 2, from: 4 } });
    // memory at 60 % would read 120 % on instances half the size: the count shrinks instead
    const full = win('db', 9, 4, { cpu: 20, rps: 200, memory: 60 });
    expect(proposeReactive(quiet, full, policy, 'db', 3)).toMatchObject({ type: 'scale-in' });
  });
});
