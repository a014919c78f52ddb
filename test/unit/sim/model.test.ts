import { describe, expect, it } from 'vitest';
import { mmcWaitMs, p95Ms, timeoutShare } from '../../../sim/model/queueing.js';
import { gcFactor } from '../../../sim/model/memory.js';
import { createWorld, loadScenario, parseScenario } from '../../../sim/world.js';
import { act, runScenario, stepUntil, view } from './helpers.js';

describe('service model', () => {
  it('queueing: waiting time grows with utilisation and explodes near saturation', () => {
    const w = [0.3, 0.6, 0.8, 0.9, 0.97].map((rho) => mmcWaitMs(40, 12, rho));
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThan(w[i - 1]);
    expect(w[0]).toBeLessThan(1);
    expect(w[4]).toBeGreaterThan(50);
    expect(mmcWaitMs(40, 100, 0.9)).toBeLessThan(mmcWaitMs(40, 10, 0.9));
    expect(timeoutShare(5000, 5000)).toBeCloseTo(0.05);
    expect(timeoutShare(100, 5000)).toBe(0);
    expect(p95Ms(40, 10, 0)).toBe(70);
    expect(gcFactor(60)).toBe(1);
    expect(gcFactor(100)).toBe(4);
  });

  it('model: latency grows with utilisation', () => {
    const latencyAt = (rps: number): number => {
      const s = parseScenario({ name: 'u', durationS: 300, load: { noisePct: 0 }, services: [{ service: 'api', instances: 3, capacityRps: 100, externalRps: rps }] }, 'inline');
      const w = createWorld(s);
      stepUntil(w, 120);
      return view(w, 'api').latencyMs;
    };
    const l = [60, 150, 240, 285].map(latencyAt);
    for (let i = 1; i < l.length; i++) expect(l[i]).toBeGreaterThan(l[i - 1]);
    expect(l[3]).toBeGreaterThan(2 * l[0]);
  });

  it('model: scale-out lowers CPU only after the boot delay', () => {
    const w = createWorld(loadScenario('cpu-spike'));
    stepUntil(w, 780);
    const hot = view(w, 'api').cpu;
    expect(hot).toBeGreaterThan(90);
    const r = act(w, 'scale-out', 'api', { instances: 6 });
    expect(r.status).toBe('applied');
    expect(r.after).toMatchObject({ instances: 6 });
    stepUntil(w, 780 + 50);
    expect(view(w, 'api')).toMatchObject({ total: 6, ready: 3, booting: 3 });
    expect(view(w, 'api').cpu).toBeGreaterThan(90);
    stepUntil(w, 780 + 70);
    expect(view(w, 'api').ready).toBe(6);
    expect(view(w, 'api').cpu).toBeLessThan(60);
  });

  it('model: pool-resize fixes db-pool-saturation latency while scale-out does not', () => {
    const resized = runScenario('db-pool-saturation', (w, t) => { if (t === 660) act(w, 'pool-resize', 'db', { factor: 1.5 }); });
    const scaled = runScenario('db-pool-saturation', (w, t) => { if (t === 660) act(w, 'scale-out', 'api', { instances: 10 }); });
    expect(view(resized, 'db').poolSize).toBe(24);
    expect(view(resized, 'api').latencyMs).toBeLessThan(150);
    expect(view(resized, 'db').poolUsage).toBeLessThan(90);
    expect(resized.metrics().mitigatedAt).not.toBeNull();
    expect(view(scaled, 'api').latencyMs).toBeGreaterThan(1000);
    expect(view(scaled, 'db').poolUsage).toBe(100);
    expect(scaled.metrics().sloViolationMinutes).toBeGreaterThan(30);
    expect(resized.metrics().sloViolationMinutes).toBeLessThan(3);
  });

  it('model: db pool saturation raises latency while every CPU stays normal', () => {
    const w = createWorld(loadScenario('db-pool-saturation'));
    stepUntil(w, 900);
    expect(view(w, 'db').poolUsage).toBe(100);
    expect(view(w, 'api').latencyMs).toBeGreaterThan(500);
    for (const v of w.inspect()) expect(v.cpu).toBeLessThan(75);
  });

  it('model: rollback-deploy fixes bad-deploy errors', () => {
    const w = createWorld(loadScenario('bad-deploy'));
    stepUntil(w, 700);
    expect(view(w, 'api').errorRate).toBeGreaterThan(0.1);
    expect(w.changes()).toEqual([expect.objectContaining({ service: 'api', kind: 'deploy', detail: 'deploy v2' })]);
    const r = act(w, 'rollback-deploy', 'api');
    expect(r.after).toMatchObject({ version: 'v1' });
    stepUntil(w, 700 + 50);
    expect(view(w, 'api').version).toBe('v2');
    stepUntil(w, 700 + 70);
    expect(view(w, 'api').version).toBe('v1');
    expect(view(w, 'api').errorRate).toBeLessThan(0.001);
    stepUntil(w, 1200);
    expect((w.metrics().mitigatedAt! - w.metrics().onsetTs!) / 1000).toBeLessThanOrEqual(300);
  });

  it('model: block-ips and rate-limit fix ddos at bounded instances, scaling out does not', () => {
    const none = runScenario('ddos');
    for (const fix of ['block-ips', 'rate-limit'] as const) {
      const w = runScenario('ddos', (x, t) => { if (t === 930) act(x, fix, 'api', fix === 'rate-limit' ? { rps: 10 } : {}); });
      expect(w.metrics().sloViolationMinutes).toBeLessThan(2);
      expect(w.metrics().instanceMinutes).toBeLessThanOrEqual(none.metrics().instanceMinutes * 1.5);
    }
    // The remediation catalogue's anti-DDoS plan: rate-limit 50/source, then block the 10 busiest sources.
    const plan = runScenario('ddos', (x, t) => {
      if (t === 930) act(x, 'rate-limit', 'api', { rpsPerSource: 50 });
      if (t === 990) act(x, 'block-ips', 'api', { topSources: 10, durationS: 3600 });
    });
    expect(plan.metrics().sloViolationMinutes).toBeLessThan(2.5);
    const scaled = runScenario('ddos', (x, t) => { if (t === 930) act(x, 'scale-out', 'api', { instances: 40 }); });
    expect(scaled.metrics().sloViolationMinutes).toBeGreaterThan(20);
    expect(none.metrics().sloViolationMinutes).toBeGreaterThan(20);
  });

  it('model: top_sources_share tells a DDoS (few sources) from a flash crowd (spread)', () => {
    const ddos = createWorld(loadScenario('ddos'));
    stepUntil(ddos, 600);
    expect(view(ddos, 'api').topSourcesSharePct).toBeLessThan(5);
    stepUntil(ddos, 960);
    expect(view(ddos, 'api').topSourcesSharePct).toBeGreaterThan(90);
    act(ddos, 'block-ips', 'api', { topSources: 10 });
    stepUntil(ddos, 1000);
    expect(view(ddos, 'api').topSourcesSharePct).toBeLessThan(10);
    const crowd = createWorld(loadScenario('flash-crowd'));
    stepUntil(crowd, 780);
    expect(view(crowd, 'api').received).toBeGreaterThan(1000);
    expect(view(crowd, 'api').topSourcesSharePct).toBeLessThan(5);
  });

  it('model: restart clears a memory leak before it runs out', () => {
    const none = createWorld(loadScenario('memory-leak'));
    stepUntil(none, 2100);
    const leaking = view(none, 'api').memory;
    expect(leaking).toBeGreaterThan(75);
    act(none, 'restart', 'api');
    stepUntil(none, 2100 + 3 * 60 + 10); // its three instances replaced in turn, 60 s of boot each
    expect(view(none, 'api').memory).toBeLessThan(55);
    const fixed = runScenario('memory-leak', (w, t) => { if (t === 2100) act(w, 'restart', 'api'); });
    expect(fixed.metrics().sloViolationMinutes).toBe(0);
    expect(runScenario('memory-leak').metrics().sloViolationMinutes).toBeGreaterThan(3);
  });

  it('model: a restart of the only instance starts its replacement first, as a rolling restart of one replica does', () => {
    const scenario = loadScenario('memory-leak');
    for (const s of scenario.services) if (s.service === 'api') Object.assign(s, { instances: 1, minInstances: 1, externalRps: 40 });
    const w = createWorld(scenario);
    stepUntil(w, 2100);
    expect(view(w, 'api').memory).toBeGreaterThan(75);
    expect(act(w, 'restart', 'api').status).toBe('applied');
    let worst = 0;
    for (let t = 2110; t <= 2100 + 120; t += 10) {
      stepUntil(w, t);
      expect(view(w, 'api').ready).toBeGreaterThanOrEqual(1); // never without a serving instance
      worst = Math.max(worst, view(w, 'api').total);
    }
    expect(worst).toBe(2); // the replacement ran beside the old instance while it booted
    expect(view(w, 'api').total).toBe(1); // then the old one left
    expect(view(w, 'api').memory).toBeLessThan(55);
  });

  it('model: a restart of two instances replaces each behind a fresh one in turn: the capacity serving never drops', () => {
    const scenario = loadScenario('memory-leak');
    for (const s of scenario.services) if (s.service === 'api') Object.assign(s, { instances: 2, minInstances: 2 });
    const w = createWorld(scenario);
    stepUntil(w, 2100);
    expect(act(w, 'restart', 'api').status).toBe('applied');
    const boot = scenario.services.find((s) => s.service === 'api')!.bootDelayS;
    for (let t = 2110; t <= 2100 + 2 * boot + 20; t += 10) {
      stepUntil(w, t);
      expect(view(w, 'api').ready).toBeGreaterThanOrEqual(2); // never one instance carrying both loads
    }
    expect(view(w, 'api').total).toBe(2);
    expect(view(w, 'api').memory).toBeLessThan(55);
  });

  it('model: cascade: database slowness raises api and gateway latency', () => {
    const w = createWorld(loadScenario('cascade'));
    stepUntil(w, 590);
    const before = Object.fromEntries(w.inspect().map((v) => [v.service, v.latencyMs]));
    stepUntil(w, 900);
    for (const s of ['db', 'api', 'gateway']) expect(view(w, s).latencyMs).toBeGreaterThan(5 * before[s]);
    expect(view(w, 'gateway').errorRate).toBeGreaterThan(0.05);
    act(w, 'kill-blocking-queries', 'db');
    stepUntil(w, 1100);
    for (const s of ['db', 'api', 'gateway']) expect(view(w, s).latencyMs).toBeLessThan(2 * before[s]);
  });

  it('model: partner timeout is fixed by cache-fallback; a circuit breaker leaves errors', () => {
    const cached = runScenario('partner-timeout', (w, t) => { if (t === 660) act(w, 'cache-fallback', 'api'); });
    const broken = runScenario('partner-timeout', (w, t) => { if (t === 660) act(w, 'circuit-breaker', 'api'); });
    expect(view(cached, 'api').latencyMs).toBeLessThan(150);
    expect(view(cached, 'api').errorRate).toBeLessThan(0.005);
    expect(view(cached, 'fx-partner').received).toBe(0);
    expect(view(broken, 'api').latencyMs).toBeLessThan(150);
    expect(view(broken, 'api').errorRate).toBeGreaterThan(0.3);
  });

  it('model: the billable service puts a revenue figure on every incident', () => {
    for (const name of ['flash-crowd', 'ddos', 'db-pool-saturation', 'bad-deploy', 'cascade', 'partner-timeout', 'memory-leak']) {
      const m = runScenario(name).metrics();
      expect(m.revenueLost, name).toBeGreaterThan(0);
      expect(m.revenue, name).toBeGreaterThan(m.revenueLost * 0.1);
    }
  });

  it('model: nab-replay shapes the load from the NAB trace, scaled to capacity', () => {
    const w = createWorld(loadScenario('nab-replay'));
    const rps: number[] = [];
    while (!w.done()) { w.step(); rps.push(view(w, 'api').received); }
    const peak = Math.max(...rps);
    expect(peak).toBeGreaterThan(300);
    expect(peak).toBeLessThanOrEqual(390 + 1);
    expect(Math.min(...rps)).toBeLessThan(60);
  });
});
