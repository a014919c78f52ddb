import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/bench/bench-fleet.js';
import type { LiveDemoReport } from '../../sim/live/cluster/demo.js';
import { runCli } from '../helpers/fleet.js';

// `npm run test:live` (a few minutes of wall clock, outside `npm test`): the whole live demo as
// a user runs it. vigil up, vigil demo live: a bad release on real billable-API processes behind
// the demo's balancer is detected and rolled back by the exec actuator; callers recover.
describe('vigil demo live', () => {
  const home = mkdtempSync(join(tmpdir(), 'vigil-live-'));
  let env: { home: string; url: string };
  beforeAll(async () => {
    env = { home, url: `nats://127.0.0.1:${await freePort()}` };
    const up = await runCli(env, ['up', '--detach', '--json']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await runCli(env, ['down', '--json']);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('detects the bad release, rolls it back through the exec actuator, and callers recover', async () => {
    const res = await runCli(env, ['demo', 'live', '--json', '--warmup', '70', '--max', '420'], 480_000);
    expect(res.code, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout) as LiveDemoReport;
    process.stderr.write(`live demo figures: ${JSON.stringify(r.figures)}\n`);
    expect(r.recovered).toBe(true);
    const rollback = r.actions.find((a) => a.type === 'rollback-deploy');
    expect(rollback).toMatchObject({ status: 'applied', before: { version: 'v2' }, after: { version: 'v1', exec: { exitCode: 0 } } });
    const f = r.figures;
    expect(f.errorRatePeakPct).toBeGreaterThan(10);
    expect(f.errorRateAfterPct).toBeLessThan(1);
    for (const t of [f.timeToDetectS, f.timeToActS, f.timeToRecoverS]) expect(t).not.toBeNull();
    expect(f.timeToDetectS!).toBeLessThanOrEqual(f.timeToActS!);
    expect(f.timeToActS!).toBeLessThanOrEqual(f.timeToRecoverS!);
    expect(r.load.sent).toBeGreaterThan(0);
  }, 600_000);
});
