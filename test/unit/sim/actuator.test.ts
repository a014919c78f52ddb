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

  it('catalog: one entry per service with the catalogue fields', () => {
    const w = createWorld(loadScenario('partner-timeout'));
    const c = w.catalog();
    expect(c.map((e) => e.service)).toEqual(['api', 'fx-partner', 'db']);
    expect(c[0]).toEqual({
      service: 'api', tier: 'app', owner: 'payments', criticality: 'critical', dependsOn: ['db', 'fx-partner'],
      users: 25000, billable: true, unitPrice: 0.05, sloLatencyMs: 300, sloErrorRate: 1,
    });
  });
});
