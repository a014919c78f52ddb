import { describe, expect, it } from 'vitest';
import { createHpaController, hpaRecommendation, defaultHpaConfig } from '../../../sim/baselines/hpa-controller.js';
import { runOffline } from '../../../sim/baselines/run-offline.js';
import { createWorld, loadScenario } from '../../../sim/world.js';
import { act, view } from './helpers.js';

const obs = (replicas: number, ready: number, readyCpu: number) => ({ replicas, ready, readyCpu, min: 2, max: 20 });

describe('baselines', () => {
  it('hpa: ceil(current x observed / target), within the tolerance nothing moves', () => {
    expect(hpaRecommendation(obs(4, 4, 140), defaultHpaConfig)).toBe(8);
    expect(hpaRecommendation(obs(4, 4, 75), defaultHpaConfig)).toBe(4);
    expect(hpaRecommendation(obs(4, 4, 35), defaultHpaConfig)).toBe(2);
    // Two pods still booting count at 0 %: 2 x 100 % over 4 pods is 50 %, no scale-up.
    expect(hpaRecommendation(obs(4, 2, 100), defaultHpaConfig)).toBe(4);
  });

  it('hpa: syncs every 15 s, scales up at once, scales down only after 300 s of lower recommendations', () => {
    const hpa = createHpaController();
    expect(hpa.decide('api', obs(4, 4, 140), 0)).toBe(8);
    expect(hpa.decide('api', obs(8, 8, 140), 10_000)).toBeNull();
    expect(hpa.decide('api', obs(8, 8, 20), 15_000)).toBe(null);
    let t = 15_000;
    let scaledDown: number | null = null;
    while (scaledDown === null && t < 400_000) { t += 15_000; scaledDown = hpa.decide('api', obs(8, 8, 20), t); }
    expect(t).toBeGreaterThan(300_000);
    expect(scaledDown).toBe(3);
  });

  it('hpa: scale-up is limited to max(+100 %, +4) per period and clamped to max', () => {
    const hpa = createHpaController();
    expect(hpa.decide('a', { replicas: 2, ready: 2, readyCpu: 100 * 10, min: 1, max: 50 }, 0)).toBe(6);
    expect(hpa.decide('b', { replicas: 10, ready: 10, readyCpu: 700, min: 1, max: 15 }, 0)).toBe(15);
  });

  it('baselines: on flash-crowd the hpa scales out and has fewer SLO-violation minutes than none', () => {
    const s = loadScenario('flash-crowd');
    const none = runOffline(s, { controller: 'none' });
    const hpa = runOffline(s, { controller: 'hpa' });
    expect(none.report.actions).toEqual([]);
    expect(none.report.timeToDetectS).toBeNull();
    expect(hpa.report.actions.some((a) => a.type === 'scale-out' && a.service === 'api')).toBe(true);
    expect(hpa.report.timeToDetectS).not.toBeNull();
    expect(hpa.report.sloViolationMinutes).toBeLessThan(none.report.sloViolationMinutes / 2);
    expect(hpa.report.instanceMinutes).toBeGreaterThan(none.report.instanceMinutes);
    expect(hpa.report.revenueLost).toBeLessThan(none.report.revenueLost);
  });

  it('baselines: on ddos the hpa scales to its quota at great cost and still breaches the SLO', () => {
    const s = loadScenario('ddos');
    const none = runOffline(s, { controller: 'none' });
    const hpa = runOffline(s, { controller: 'hpa' });
    expect(hpa.metrics.peakInstances.api).toBe(40);
    expect(hpa.report.instanceMinutes).toBeGreaterThan(3 * none.report.instanceMinutes);
    expect(hpa.report.sloViolationMinutes).toBeGreaterThan(20);
  });

  it('flash-crowd: scaling on request rate from the first minute of the ramp meets the issue-5 target', () => {
    // A sensible controller (what vigil should at least do): desired = ceil((rps + 30 s of trend) / 80 % of an instance),
    // scale-out at once, scale-in on the highest recommendation of the last 5 minutes.
    const s = loadScenario('flash-crowd');
    const hpa = runOffline(s, { controller: 'hpa' }).metrics;
    const w = createWorld(s);
    const hist: number[] = [];
    let recs: { t: number; want: number }[] = [];
    while (!w.done()) {
      w.step();
      const api = view(w, 'api');
      hist.push(api.received);
      if (hist.length > 4) hist.shift();
      const slope = hist.length >= 3 ? (hist[hist.length - 1] - hist[0]) / ((hist.length - 1) * s.tickS) : 0;
      const want = Math.max(3, Math.min(40, Math.ceil(Math.max(api.received, api.received + slope * 30) / 80)));
      recs = [...recs.filter((r) => w.now() - r.t <= 300_000), { t: w.now(), want }];
      const down = Math.max(...recs.map((r) => r.want));
      if (want > api.total) act(w, 'scale-out', 'api', { instances: want });
      else if (down < api.total) act(w, 'scale-in', 'api', { instances: down });
    }
    const m = w.metrics();
    expect(m.sloViolationMinutes).toBeLessThanOrEqual(hpa.sloViolationMinutes / 2);
    expect(m.instanceMinutes).toBeLessThanOrEqual(hpa.instanceMinutes * 1.1);
  });

  it('baselines: diurnal (24 h, 20 services, 8640 ticks) steps in-process in well under two seconds', () => {
    const s = loadScenario('diurnal');
    expect(s.services).toHaveLength(20);
    const warm = createWorld(s);
    for (let i = 0; i < 1000; i++) warm.step(); // let the JIT compile the hot path first
    const t0 = performance.now();
    const w = createWorld(s);
    let ticks = 0;
    while (!w.done()) { w.step(); ticks++; }
    const seconds = (performance.now() - t0) / 1000;
    expect(ticks).toBe(8640);
    expect(seconds).toBeLessThan(2);
  });
});
