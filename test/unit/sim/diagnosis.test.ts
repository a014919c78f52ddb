import { describe, expect, it } from 'vitest';
import { runOfflineFleet } from '../../../sim/offline-fleet.js';
import type { Family } from '../../../sim/suite/families.js';
import { drawSuite } from '../../../sim/suite/run-suite.js';

/** A scenario of the random suite (never a file of sim/scenarios), played through the brains in-process. */
function play(family: Family, seed: number) {
  const [{ scenario }] = drawSuite({ seed, n: 1, families: [family] });
  return { scenario, run: runOfflineFleet(scenario) };
}

const fixes = (run: ReturnType<typeof runOfflineFleet>): string[] =>
  run.report.actions.filter((a) => !a.type.startsWith('scale')).map((a) => `${a.type} ${a.service}`);

describe('diagnosis by evidence, on drawn scenarios', () => {
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
