import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetachedFleet, type RunJson } from '../helpers/faults.js';
import { everyAgentKind, killSupervisor, restartNatsServer } from './fault-cases.js';

const SCENARIO = process.env.VIGIL_FAULT_SCENARIO ?? 'cpu-spike';
const SEED = 7;
/** Mid-scenario: cpu-spike and bad-deploy have 240 ticks, flash-crowd 360. */
const AT_TICK = 100;

/**
 * Issue 9, done means: kill -9 of each agent kind, of the supervisor, and a nats-server
 * restart, each once mid-scenario: the run finishes with the same actions as an undisturbed
 * run of the same seed (`npm run test:faults`).
 */
describe(`faults mid-scenario (${SCENARIO}, seed ${SEED}): the same actions as an undisturbed run`, () => {
  const fleet = new DetachedFleet();
  let expected: RunJson['actions'];
  beforeAll(async () => {
    await fleet.up();
    await fleet.healthy();
    const undisturbed = await fleet.runWith(SCENARIO, SEED, null, () => undefined);
    expect(undisturbed.interrupted).toEqual([]);
    expected = undisturbed.actions;
    expect(expected.length).toBeGreaterThan(0);
  }, 600_000);
  afterAll(() => fleet.down(), 120_000);

  for (const fault of [...everyAgentKind, restartNatsServer, killSupervisor]) {
    it(fault.name, async () => {
      await fleet.healthy();
      const run = await fleet.runWith(SCENARIO, SEED, AT_TICK, () => fault.inflict(fleet));
      expect(run.actions).toEqual(expected);
      expect(run.interrupted.length, 'the fault was seen and the run played again').toBeGreaterThanOrEqual(1);
    }, 900_000);
  }
});
