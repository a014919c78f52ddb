import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/free-port.js';
import type { LiveDemoReport } from '../../sim/live/cluster/demo.js';
import { runCli } from '../helpers/fleet.js';

// The whole live demo as a user runs it (about two and a half minutes of wall clock, so outside
// `npm test`: `npm run test:live`). vigil up, vigil demo live: a bad release on real billable-API
// processes behind the demo's balancer is detected, the orchestrator decides the rollback and the
// exec actuator applies it under the orchestrator's lease revision; callers recover.
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
    // Fencing on the real path: the actuator's ledger kept the lease revision the orchestrator stamped.
    const [demoDir] = readdirSync(home).filter((d) => d.startsWith('demo-live-'));
    const ledger = readFileSync(join(home, demoDir, 'ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; revision?: number; action?: { type: string; leaseRevision?: number } });
    const applied = ledger.find((l) => l.kind === 'applied' && l.action?.type === 'rollback-deploy');
    expect(applied?.action?.leaseRevision).toBeGreaterThanOrEqual(1);
    expect(ledger.some((l) => l.kind === 'revision' && l.revision === applied?.action?.leaseRevision)).toBe(true);
  }, 600_000);
});
