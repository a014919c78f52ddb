import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetachedFleet, type RunJson } from '../helpers/faults.js';
import { killAgent, restartNatsServer } from '../faults/fault-cases.js';

/**
 * Issue 9, processes that cannot be lost (the subset in `npm test`; `npm run test:faults` kills
 * every agent kind and the supervisor too): a collector killed -9 and nats-server restarted
 * mid-scenario; the run finishes with the same actions as an undisturbed run of the same seed.
 */
describe('a scenario survives a collector crash and a nats-server restart', () => {
  const fleet = new DetachedFleet();
  let expected: RunJson['actions'];
  beforeAll(async () => {
    await fleet.up();
    await fleet.healthy();
    const undisturbed = await fleet.runWith('cpu-spike', 7, null, () => undefined);
    expect(undisturbed.interrupted).toEqual([]);
    expected = undisturbed.actions;
    expect(expected.length).toBeGreaterThan(0);
  }, 300_000);
  afterAll(() => fleet.down(), 120_000);

  for (const fault of [killAgent('collector'), restartNatsServer]) {
    it(`${fault.name} at tick 100 of 240: the same actions`, async () => {
      await fleet.healthy();
      const run = await fleet.runWith('cpu-spike', 7, 100, () => fault.inflict(fleet));
      expect(run.actions).toEqual(expected);
      expect(run.interrupted.length, 'the fault was seen and the run played again').toBeGreaterThanOrEqual(1);
    }, 300_000);
  }
});
