import { describe, expect, it } from 'vitest';
import { CapacityPlanner } from '../../../agents/intermediate/predictor/planner.js';
import { entriesOf, inheritedDemand, learnShare } from '../../../agents/intermediate/predictor/callers.js';
import { loadPolicy } from '../../../policies/load.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import { type CatalogEntry } from '../../../runtime/contracts/index.js';
import { MIN, T0, result, win } from '../policies/fixtures.js';

const policy = loadPolicy().scaling;
const graph = [
  { service: 'edge', dependsOn: ['cart', 'search'] },
  { service: 'cart', dependsOn: ['db'] },
  { service: 'search', dependsOn: ['db'] },
  { service: 'db', dependsOn: [] },
  { service: 'admin', dependsOn: ['db'] },
];

/** A planner over the default policy and the graph above. */
function planner(): CapacityPlanner {
  const entries = new Map(graph.map((g) => [g.service, { ...g, tier: 'app', criticality: 'high', bootDelayS: 90 } as unknown as CatalogEntry]));
  return new CapacityPlanner((s) => scalingPolicyFor(policy, s, entries.get(s)), () => graph);
}

describe('predictor: demand from the entry services', () => {
  it('entries: the ancestors that nobody calls, for a chain, a fan-in and an entry itself', () => {
    expect(entriesOf('db', graph)).toEqual(['admin', 'edge']);
    expect(entriesOf('cart', graph)).toEqual(['edge']);
    expect(entriesOf('edge', graph)).toEqual([]);
    expect(entriesOf('unknown', graph)).toEqual([]);
    // a cycle does not loop forever and has no entry
    expect(entriesOf('a', [{ service: 'a', dependsOn: ['b'] }, { service: 'b', dependsOn: ['a'] }])).toEqual([]);
  });

  it('share: learnt only from a window where the service and all its entries were healthy, of the same end', () => {
    const ok = (end: number, rps: number) => ({ end, rps, healthy: true });
    expect(learnShare(null, ok(1, 50), [ok(1, 200)], 1, 0.3)).toBeCloseTo(0.25, 9);
    expect(learnShare(0.25, ok(1, 100), [ok(1, 200)], 1, 0.3)).toBeCloseTo(0.25 + 0.3 * 0.25, 9);
    expect(learnShare(0.25, ok(1, 100), [{ end: 1, rps: 200, healthy: false }], 1, 0.3)).toBe(0.25); // a saturated entry passes less on
    expect(learnShare(0.25, ok(1, 100), [ok(2, 200)], 1, 0.3)).toBe(0.25); // another window
    expect(learnShare(0.25, ok(1, 100), [null], 1, 0.3)).toBe(0.25);
  });

  it('inherited: the share of the entries\' forecast, moved on by their trend to this horizon; none for an attack', () => {
    const e = { end: 1, horizonS: 60, forecast: 1000, high: 1200, slopePerS: 2, scalable: true };
    // one window later and 30 s more of boot: + 2 x (60 + 90 - 60) = 180
    expect(inheritedDemand(0.5, [e], 1, 60, 90)).toEqual({ forecast: 590, high: 690 });
    expect(inheritedDemand(0.5, [{ ...e, scalable: false }], 1, 60, 90)).toBeNull();
    expect(inheritedDemand(null, [e], 1, 60, 90)).toBeNull();
    expect(inheritedDemand(0.5, [e, null], 1, 60, 90)).toBeNull();
  });

  it('plan: a surge at the edge raises the plan of the database behind it one window later, before the database sees it', () => {
    const p = planner();
    for (let m = 0; m < 4; m++) {
      p.window(win('edge', m, 4, { cpu: 50, rps: 400 }));
      p.window(win('cart', m, 2, { cpu: 50, rps: 200 }));
      p.window(win('db', m, 2, { cpu: 40, rps: 400 }));
      p.window(win('admin', m, 1, { cpu: 20, rps: 0 }));
    }
    // minute 4: the edge triples; the database, behind saturated callers, still reads 400
    p.window(win('edge', 4, 4, { cpu: 99, rps: 1200 }));
    p.window(win('admin', 4, 1, { cpu: 20, rps: 0 }));
    const same = p.window(win('db', 4, 2, { cpu: 40, rps: 400 }));
    expect(same?.demand?.forecast).toBeCloseTo(400, 6); // the edge's window of the same end is not read: order-free
    p.window(win('edge', 5, 4, { cpu: 99, rps: 1200 }));
    p.window(win('admin', 5, 1, { cpu: 20, rps: 0 }));
    const next = p.window(win('db', 5, 2, { cpu: 40, rps: 400 }));
    expect(next?.demand?.fromEntries).toBeGreaterThanOrEqual(1200); // share 1 of the edge's 1200 (and its trend)
    expect(next?.demand?.forecast).toBe(next?.demand?.fromEntries);
    expect(next?.needed).toBeGreaterThan(2);
    // the same windows in the other order give the same plan
    const q = planner();
    for (let m = 0; m < 4; m++) {
      q.window(win('admin', m, 1, { cpu: 20, rps: 0 }));
      q.window(win('db', m, 2, { cpu: 40, rps: 400 }));
      q.window(win('cart', m, 2, { cpu: 50, rps: 200 }));
      q.window(win('edge', m, 4, { cpu: 50, rps: 400 }));
    }
    for (const m of [4, 5]) {
      q.window(win('admin', m, 1, { cpu: 20, rps: 0 }));
      q.window(win('db', m, 2, { cpu: 40, rps: 400 }));
      q.window(win('edge', m, 4, { cpu: 99, rps: 1200 }));
    }
    expect(q.window(win('db', 6, 2, { cpu: 40, rps: 400 }))?.demand?.fromEntries)
      .toBeCloseTo(p.window(win('db', 6, 2, { cpu: 40, rps: 400 }))?.demand?.fromEntries ?? NaN, 6);
  });

  it('plan: a vertical change scales what one instance serves by the ratio of the sizes, at once', () => {
    const p = planner();
    for (let m = 0; m < 3; m++) p.window(win('db', m, 4, { cpu: 50, rps: 200 }));
    p.result(result('scaling-db_a1', 'db', 'scale-up', 'applied', T0 + 3 * MIN, { size: 1 }, { size: 2 }));
    expect(p.window(win('db', 3, 4, { cpu: 50, rps: 200 }))?.capacity.perInstanceRps).toBeCloseTo(200, 6); // 100 at size 1
    p.result(result('scaling-db_a2', 'db', 'scale-up', 'applied', T0 + 4 * MIN, {}, {})); // sizes not reported: unchanged
    expect(p.window(win('db', 4, 4, { cpu: 50, rps: 200 }))?.capacity.perInstanceRps).toBeCloseTo(200, 6);
  });
});
