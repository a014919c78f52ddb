import { describe, expect, it } from 'vitest';
import { Families, drawScenario } from '../../../sim/suite/families.js';
import { createRng, deriveSeed } from '../../../sim/prng.js';
import { runOffline } from '../../../sim/baselines/run-offline.js';
import { parseScenario } from '../../../sim/world.js';
import { drawSuite, runSuite } from '../../../sim/suite/run-suite.js';
import { harmfulActions, reversals } from '../../../sim/suite/truth.js';
import { runOfflineFleet } from '../../../sim/offline-fleet.js';
import type { ActionLogEntry } from '../../../sim/actuator.js';
import { loadScenario } from '../../../sim/world.js';

const entry = (type: string, service: string, t: number): ActionLogEntry => ({ actionId: `${type}-${t}`, type, service, t, status: 'applied', repeats: 0 });

describe('scenario suite', () => {
  it('suite: the same seed draws the same scenarios; another seed draws others', () => {
    const a = drawSuite({ seed: 7, n: Families.length });
    const b = drawSuite({ seed: 7, n: Families.length });
    const c = drawSuite({ seed: 8, n: Families.length });
    expect(a.map((x) => JSON.stringify(x.scenario))).toEqual(b.map((x) => JSON.stringify(x.scenario)));
    expect(a.map((x) => x.scenario.services.map((s) => s.service).join())).not.toEqual(c.map((x) => x.scenario.services.map((s) => s.service).join()));
  });

  it('suite: every family draws a valid scenario of 2-12 own services, families in turn', () => {
    const drawn = drawSuite({ seed: 3, n: 2 * Families.length });
    expect(drawn.map((d) => d.family)).toEqual([...Families, ...Families]);
    for (const { scenario } of drawn) {
      const own = scenario.services.filter((s) => s.kind !== 'partner');
      expect(own.length).toBeGreaterThanOrEqual(2);
      expect(own.length).toBeLessThanOrEqual(12);
    }
  });

  it('suite: with no fault and no load event, no drawn service breaks its SLO (an SLO is drawn over the healthy latency)', () => {
    const broken: string[] = [];
    for (let i = 0; i < 2 * Families.length; i++) {
      const family = Families[i % Families.length];
      if (family === 'replay') continue; // a replayed trace is its own load
      const drawn = drawScenario(family, createRng(deriveSeed(2, `suite:${i}`)), i, '.', () => { throw new Error('no trace outside replay'); });
      const calm = { ...drawn.doc, faults: [], load: { ...(drawn.doc.load as Record<string, unknown>), events: [] } };
      const minutes = runOffline(parseScenario(calm, `calm #${i}`, drawn.traces), { controller: 'none' }).report.sloViolationMinutes;
      if (minutes > 0) broken.push(`#${i} ${family}: ${minutes} SLO-minutes`);
    }
    expect(broken).toEqual([]);
  });

  it('truth: a rollback without a bad deploy, a block without an attack and a scale-out of an untouched service are harmful; a scale-in is not', () => {
    const known = loadScenario('partner-timeout'); // api calls db and fx-partner; the partner hangs
    const island = { ...known.services.find((x) => x.service === 'db')!, service: 'island', dependsOn: [] }; // called by nobody
    const scenario = { ...known, services: [...known.services, island] };
    const leaking = 'api';
    const untouched = 'island';
    const log = [
      entry('cache-fallback', leaking, 1500), entry('rollback-deploy', leaking, 1600), entry('block-ips', scenario.services[0].service, 1700),
      entry('scale-out', untouched, 1800), entry('scale-in', untouched, 1900),
    ];
    expect(harmfulActions(scenario, log, [], scenario.startMs).map((h) => h.type)).toEqual(['rollback-deploy', 'block-ips', 'scale-out']);
  });

  it('truth: a scale-out undone within 20 minutes is a reversal; one kept longer is not', () => {
    expect(reversals([entry('scale-out', 'a', 100), entry('scale-in', 'a', 1000), entry('scale-out', 'b', 100), entry('scale-in', 'b', 2000)])).toBe(1);
  });

  it('suite: offline, the report sums every scenario per family and names the best baseline', async () => {
    const report = await runSuite({ seed: 2, n: 3, families: ['bad-deploy', 'partner-timeout', 'surge'], mode: 'offline' }, async (s) => runOfflineFleet(s));
    expect(Object.keys(report.families).sort()).toEqual(['bad-deploy', 'partner-timeout', 'surge']);
    const sum = report.scenarios.reduce((a, c) => a + c.vigil.sloViolationMinutes, 0);
    expect(report.totals.vigil.sloViolationMinutes).toBeCloseTo(sum, 1);
    for (const c of report.scenarios) expect(c[c.best].sloViolationMinutes).toBeLessThanOrEqual(Math.min(c.hpa.sloViolationMinutes, c.hpaRps.sloViolationMinutes));
    expect(report.harmfulActions).toBe(0);
  });
});
