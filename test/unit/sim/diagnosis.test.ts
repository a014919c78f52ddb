import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOfflineFleet } from '../../../sim/offline-fleet.js';
import { parseScenario, scenariosDir } from '../../../sim/scenario-loader.js';
import type { Family } from '../../../sim/suite/families.js';
import { drawSuite } from '../../../sim/suite/run-suite.js';

/** A scenario of the random suite (never a file of sim/scenarios), played through the brains in-process. */
function play(family: Family, seed: number) {
  const [{ scenario }] = drawSuite({ seed, n: 1, families: [family] });
  return { scenario, run: runOfflineFleet(scenario) };
}

const fixes = (run: ReturnType<typeof runOfflineFleet>): string[] =>
  run.report.actions.filter((a) => !a.type.startsWith('scale')).map((a) => `${a.type} ${a.service}`);

/** The first drawn scenario of `family` (seeds 1, 2, ...) that `want` accepts. */
function firstDrawn(family: Family, want: (s: ReturnType<typeof play>['scenario']) => boolean) {
  for (let seed = 1; seed < 200; seed++) {
    const [{ scenario }] = drawSuite({ seed, n: 1, families: [family] });
    if (want(scenario)) return { scenario, run: runOfflineFleet(scenario) };
  }
  throw new Error(`no ${family} scenario drawn in 200 seeds fits`);
}

const instancesOf = (scenario: ReturnType<typeof play>['scenario'], service: string): number =>
  scenario.services.find((x) => x.service === service)?.instances ?? 0;

describe('deploy regression needs evidence that the new version is worse (the canary), not just timing', () => {
  it('a healthy release shortly before data corruption: never rolled back; the canary speaks against the release', () => {
    const { scenario, run } = firstDrawn('data-corruption', (s) => s.faults[0].type === 'deploy' && instancesOf(s, s.faults[0].service) >= 2);
    const service = scenario.faults[0].service;
    expect(run.actions.filter((a) => a.type === 'rollback-deploy')).toEqual([]);
    expect(fixes(run)).toContain(`isolate-data ${service}`);
    const weighed = run.incidents.flatMap((i) => i.hypotheses ?? []).find((h) => h.cause === 'deploy-regression' && h.against.some((x) => x.includes('not worse')));
    expect(weighed).toMatchObject({ holds: false });
  });

  it('a bad release: rolled back on the canary evidence, and the bad version is never deployed again', () => {
    const { scenario, run } = firstDrawn('bad-deploy', (s) => instancesOf(s, s.faults[0].service) >= 2);
    const service = scenario.faults[0].service;
    expect(fixes(run)).toContain(`rollback-deploy ${service}`);
    const regression = run.incidents.flatMap((i) => i.hypotheses ?? []).find((h) => h.cause === 'deploy-regression' && h.holds);
    expect(regression?.for.join(' ')).toMatch(/new version failed [\d.]+ % of requests, the previous one [\d.]+ %/);
    expect(run.world.changes().filter((c) => c.detail.endsWith(` ${scenario.faults[0].version}`)).length).toBe(1);
  });
});

describe('diagnosis by evidence, on drawn scenarios', () => {
  it('a surge that fills a database pool: the pool resized is the database\'s, not its caller\'s', () => {
    const { scenario } = drawSuite({ seed: 2, n: 3, families: ['surge'] })[2];
    const run = runOfflineFleet(scenario);
    const resized = run.actions.filter((a) => a.type === 'pool-resize').map((a) => a.service);
    expect(resized.length).toBeGreaterThan(0);
    for (const s of resized) expect(scenario.services.find((x) => x.service === s)?.pool, s).toBeDefined();
  });

  for (const seed of [5, 6]) {
    it(`blocking queries (seed ${seed}): lock waits point at the database; queries are killed there, the pool is not resized`, () => {
      const { scenario, run } = play('blocking-queries', seed);
      const db = scenario.faults[0].service;
      expect(fixes(run)).toContain(`kill-blocking-queries ${db}`);
      expect(fixes(run).filter((f) => f.startsWith('pool-resize'))).toEqual([]);
    });

    it(`node degradation (seed ${seed}): the network share of the latency points at the service; traffic is rerouted`, () => {
      const { scenario, run } = play('node-degradation', seed);
      expect(fixes(run)).toContain(`reroute ${scenario.faults[0].service}`);
      expect(run.report.actions.filter((a) => a.type === 'circuit-breaker')).toEqual([]);
    });

    it(`data corruption (seed ${seed}): errors no deploy, latency or saturation explains; the data is isolated`, () => {
      const { scenario, run } = play('data-corruption', seed);
      expect(fixes(run)).toContain(`isolate-data ${scenario.faults[0].service}`);
      expect(run.report.actions.filter((a) => a.type === 'rollback-deploy')).toEqual([]);
    });

    it(`attack (seed ${seed}): recognised from heavy sources at the entry; the rate limit is sized from the median source`, () => {
      const { scenario, run } = play('attack', seed);
      const entry = scenario.load.events[0].service;
      const limit = run.actions.find((a) => a.type === 'rate-limit');
      expect(limit?.service).toBe(entry);
      expect(limit?.params.rpsPerSource).toBeLessThan(50); // 10 x the measured median source, not the fallback
    });
  }
});

describe('a leak on a service scaled down to one instance', () => {
  it('is restarted behind a replacement (seed 9, scenario 41 of 60): no SLO breach, where refusing a one-instance restart let it run out of memory', () => {
    const { scenario } = drawSuite({ seed: 9, n: 60 })[41];
    const leaking = scenario.faults[0].service;
    const run = runOfflineFleet(scenario);
    expect(run.actions.some((a) => a.type === 'scale-in' && a.service === leaking && a.params.instances === 1)).toBe(true);
    expect(fixes(run)).toContain(`restart ${leaking}`);
    expect(run.report.sloViolationMinutes).toBe(0);
  });
});

describe('errors the evidence does not call corruption', () => {
  it('a surge after a rolled-back release: its overload errors get capacity, not isolate-data (the known bad-deploy with a 3x surge at 900 s)', () => {
    const doc = JSON.parse(readFileSync(join(scenariosDir(), 'bad-deploy.json'), 'utf8'));
    doc.load.events = [{ type: 'surge', service: 'gateway', atS: 900, rampS: 300, holdS: 900, decayS: 300, multiplier: 3 }];
    const scenario = parseScenario(doc, 'bad-deploy with a surge');
    const run = runOfflineFleet(scenario);
    expect(fixes(run)).toEqual(['rollback-deploy api']);
    expect(run.actions.some((a) => a.type === 'scale-out' && a.service === 'api')).toBe(true);
  });
});
