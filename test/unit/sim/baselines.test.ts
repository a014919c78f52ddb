import { describe, expect, it } from 'vitest';
import { runOffline } from '../../../sim/baselines/run-offline.js';
import { createWorld, loadScenario } from '../../../sim/world.js';

describe('baselines', () => {
  it('hpa: syncs every 15 s of event time on 10 s ticks (four syncs a minute, not three)', () => {
    const s = loadScenario('flash-crowd');
    const hpa = runOffline(s, { controller: 'hpa' });
    const times = hpa.report.actions.filter((a) => a.type === 'scale-out').map((a) => a.t);
    // every decision falls on the first tick at or after a multiple of 15 s
    for (const t of times.filter((x) => x >= 15)) expect(Math.floor(t / 15) > Math.floor((t - 10) / 15)).toBe(true);
    expect(times.some((t) => t % 20 !== 0)).toBe(true);
  });

  it('hpa: reads CPU against the request, up to the limit: a pod at half its limit is at 100 % of its request', () => {
    const s = loadScenario('flash-crowd'); // api runs at ~50 % of its limit before the surge
    const hpa = runOffline(s, { controller: 'hpa' });
    const first = hpa.report.actions[0];
    expect(first.type).toBe('scale-out');
    expect(first.t).toBeLessThan(600); // before the surge: 100 % of the request is over the 70 % target
    const limited = runOffline({ ...s, services: s.services.map((x) => ({ ...x, cpuLimitRatio: 1 })) }, { controller: 'hpa' });
    expect(limited.report.actions[0].t).toBeGreaterThanOrEqual(600); // limit = request: 50 % is under the target
  });

  it('hpa-rps: scales on requests per ready pod, sized at the CPU target\'s operating point', () => {
    const s = loadScenario('flash-crowd');
    const rps = runOffline(s, { controller: 'hpa-rps' });
    expect(rps.report.actions.some((a) => a.type === 'scale-out' && a.service === 'api')).toBe(true);
    const none = runOffline(s, { controller: 'none' });
    expect(rps.report.sloViolationMinutes).toBeLessThan(none.report.sloViolationMinutes / 2);
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

  it('baselines: diurnal (24 h, 20 services) steps through its 8640 ticks in-process', () => {
    // how fast is a figure for the bench (npm run bench:diurnal), not for a unit test on a shared machine
    const s = loadScenario('diurnal');
    expect(s.services).toHaveLength(20);
    const w = createWorld(s);
    let ticks = 0;
    while (!w.done()) { w.step(); ticks++; }
    expect(ticks).toBe(8640);
  });
});
