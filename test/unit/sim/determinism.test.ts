import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sample } from '../../../runtime/contracts/data.js';
import { Metrics } from '../../../runtime/contracts/metrics.js';
import { check } from '../../../runtime/contracts/validate.js';
import { createWorld, loadScenario } from '../../../sim/world.js';
import { action } from './helpers.js';

function play(name: string, seed?: number): { digest: string; metrics: unknown; samples: number } {
  const w = createWorld(loadScenario(name), { seed });
  const h = createHash('sha256');
  let samples = 0;
  while (!w.done()) {
    const out = w.step();
    if (w.now() === w.startTs + 900_000) w.apply(action('scale-out', 'api', { instances: 8 }, { actionId: 'fixed-id' }), w.now());
    h.update(JSON.stringify(out));
    samples += out.samples.length;
  }
  return { digest: h.digest('hex'), metrics: w.metrics(), samples };
}

describe('determinism', () => {
  it('determinism: same scenario and seed give identical samples and metrics', () => {
    const a = play('flash-crowd');
    const b = play('flash-crowd');
    expect(a.samples).toBeGreaterThan(1000);
    expect(b.digest).toBe(a.digest);
    expect(b.metrics).toEqual(a.metrics);
  });

  it('determinism: another seed gives other readings', () => {
    expect(play('flash-crowd', 7).digest).not.toBe(play('flash-crowd', 8).digest);
  });

  it('samples: canonical metric names, a unit on each, valid Sample messages, a modest volume', () => {
    const w = createWorld(loadScenario('db-pool-saturation'));
    const { ts, samples } = w.step();
    expect(ts).toBe(w.startTs + 10_000);
    for (const s of samples) {
      expect(Object.keys(Metrics)).toContain(s.metric);
      expect(s.unit).toBe(Metrics[s.metric as keyof typeof Metrics].unit);
      expect(s.ts).toBe(ts);
      expect(check(Sample, s).ok).toBe(true);
    }
    const perService = (svc: string) => samples.filter((s) => s.service === svc).length;
    for (const svc of ['gateway', 'api', 'db']) {
      expect(perService(svc)).toBeGreaterThanOrEqual(6);
      expect(perService(svc)).toBeLessThanOrEqual(15);
    }
    expect(samples.filter((s) => s.metric === 'deploy_version').map((s) => [s.service, s.value])).toEqual([['gateway', 1], ['api', 1], ['db', 1]]);
    expect(samples.filter((s) => s.metric === 'top_sources_share').map((s) => s.service)).toEqual(['gateway']);
    expect(samples.filter((s) => s.service === 'db').map((s) => s.metric)).toEqual(expect.arrayContaining(['db_pool_usage', 'db_latency_ms']));
  });

  it('world: time advances one tick per step and stops at the end', () => {
    const w = createWorld(loadScenario('live'));
    expect(w.now()).toBe(w.startTs);
    expect(w.endTs - w.startTs).toBe(60_000);
    let n = 0;
    while (!w.done()) { w.step(); n++; }
    expect(n).toBe(12);
    expect(() => w.step()).toThrow(/past the end/);
  });
});
