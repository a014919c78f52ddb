import { describe, expect, it } from 'vitest';
import { createWorld, loadScenario } from '../../../sim/world.js';
import { action, stepUntil, view } from './helpers.js';

describe('sim actuator', () => {
  it('apply: idempotent by actionId: no second effect, the same stored result', () => {
    const w = createWorld(loadScenario('cpu-spike'));
    stepUntil(w, 300);
    const a = action('scale-out', 'api', { delta: 2 });
    const first = w.apply(a, w.now());
    expect(first).toMatchObject({ status: 'applied', before: { instances: 3 }, after: { instances: 5 } });
    stepUntil(w, 320);
    const again = w.apply(a, w.now());
    expect(again).toEqual(first);
    expect(view(w, 'api').total).toBe(5);
    expect(w.actionLog()).toEqual([expect.objectContaining({ actionId: a.actionId, type: 'scale-out', service: 'api', t: 300, status: 'applied', repeats: 1 })]);
  });

  it('apply: a dry run changes nothing', () => {
    const w = createWorld(loadScenario('cpu-spike'));
    w.step();
    const r = w.apply(action('scale-out', 'api', { instances: 9 }, { dryRun: true }), w.now());
    expect(r.status).toBe('dry-run');
    expect(r.after).toEqual(r.before);
    stepUntil(w, 200);
    expect(view(w, 'api').total).toBe(3);
  });

  it('apply: an unknown service, an inapplicable or an invalid action fails with a detail', () => {
    const w = createWorld(loadScenario('cpu-spike'));
    w.step();
    expect(w.apply(action('restart', 'nope'), w.now())).toMatchObject({ status: 'failed', detail: "unknown service 'nope'" });
    expect(w.apply(action('pool-resize', 'api', { size: 10 }), w.now())).toMatchObject({ status: 'failed', detail: 'api has no connection pool' });
    const bad = { ...action('scale-out', 'api'), type: 'explode' } as never;
    expect(w.apply(bad, w.now())).toMatchObject({ status: 'failed' });
    expect(w.actionLog().map((e) => e.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('apply: scale-out is clamped to the quota and scale-in to the minimum', () => {
    const w = createWorld(loadScenario('cpu-spike'));
    w.step();
    expect(w.apply(action('scale-out', 'api', { instances: 500 }), w.now())).toMatchObject({ after: { instances: 12 } });
    expect(w.apply(action('scale-in', 'api', { instances: 0 }), w.now())).toMatchObject({ after: { instances: 3 } });
    expect(view(w, 'api').total).toBe(3);
  });

  it('apply: rollbacks are logged with what they compensate', () => {
    const w = createWorld(loadScenario('cpu-spike'));
    w.step();
    const out = action('scale-out', 'api', { instances: 5 });
    w.apply(out, w.now());
    w.apply(action('scale-in', 'api', { instances: 3 }, { compensates: out.actionId }), w.now());
    expect(w.actionLog()[1]).toMatchObject({ type: 'scale-in', compensates: out.actionId });
  });

  it('apply: before holds the undo action\'s params, so {...before} compensates', () => {
    const w = createWorld(loadScenario('db-pool-saturation'));
    w.step();
    const r = w.apply(action('pool-resize', 'db', { factor: 1.5 }), w.now());
    expect(r).toMatchObject({ status: 'applied', before: { size: 16 }, after: { size: 24 } });
    stepUntil(w, 60);
    expect(view(w, 'db').poolSize).toBe(24);
    w.apply(action('pool-resize', 'db', { ...r.before, from: 24 }, { compensates: r.actionId }), w.now());
    stepUntil(w, 120);
    expect(view(w, 'db').poolSize).toBe(16);
    const out = w.apply(action('scale-out', 'api', { instances: 7 }), w.now());
    expect(out.before).toEqual({ instances: 5 });
  });

  it('apply: the remediation catalogue\'s params are understood', () => {
    const w = createWorld(loadScenario('bad-deploy'));
    stepUntil(w, 700);
    const rb = w.apply(action('rollback-deploy', 'api', { version: 'stable' }), w.now());
    expect(rb).toMatchObject({ before: { version: 'v2' }, after: { version: 'v1' } });
    stepUntil(w, 800);
    expect(view(w, 'api').version).toBe('v1');
    const again = w.apply(action('redeploy', 'api', { ...rb.before }), w.now());
    expect(again.after).toMatchObject({ version: 'v2' });
    expect(w.apply(action('scale-workers', 'api', { factor: 2 }), w.now()).after).toEqual(expect.objectContaining({ workers: 200 }));
  });

  it('catalog: one entry per service with the catalogue fields', () => {
    const w = createWorld(loadScenario('partner-timeout'));
    const c = w.catalog();
    expect(c.map((e) => e.service)).toEqual(['api', 'fx-partner', 'db']);
    expect(c[0]).toEqual({
      service: 'api', tier: 'app', owner: 'payments', criticality: 'critical', dependsOn: ['db', 'fx-partner'],
      users: 25000, billable: true, unitPrice: 0.05, sloLatencyMs: 300, sloErrorRate: 1, minInstances: 3, maxInstances: 12, bootDelayS: 60,
    });
  });
});
