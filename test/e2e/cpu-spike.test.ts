import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/bench/bench-fleet.js';
import { runCli } from '../helpers/fleet.js';

interface SimReport {
  scenario: string; seed: number; simulatedSeconds: number; wallSeconds: number;
  timeToDetectS: number | null; timeToMitigateS: number | null; alerts: number;
  incidents: { id: string; service: string; pattern: string; rootCause: string }[];
  actions: { type: string; service: string; t: number }[];
}

/** The whole product from the outside: vigil up --detach, vigil sim run, vigil down. */
describe('e2e: vigil up, sim run cpu-spike, vigil down', () => {
  const home = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  let env: { home: string; url: string };
  beforeAll(async () => {
    env = { home, url: `nats://127.0.0.1:${await freePort()}` };
    const up = await runCli(env, ['up', '--detach', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect((JSON.parse(up.stdout) as { agents: unknown[] }).agents).toHaveLength(9);
  }, 90_000);
  afterAll(async () => {
    const down = await runCli(env, ['down', '--json']);
    expect(down.code, down.stderr).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('sim run cpu-spike: red alert, incident, impact, a scale-out the simulator applies, CPU back under threshold', async () => {
    const res = await runCli(env, ['sim', 'run', 'cpu-spike', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as SimReport & { impacts: number };
    expect(report.scenario).toBe('cpu-spike');
    expect(report.alerts).toBeGreaterThan(0);
    expect(report.timeToDetectS).not.toBeNull();
    expect(report.incidents.length).toBeGreaterThan(0);
    expect(report.impacts).toBeGreaterThan(0);
    expect(report.actions.some((a) => a.type === 'scale-out')).toBe(true);
    expect(report.timeToMitigateS).not.toBeNull();
    for (const key of ['seed', 'simulatedSeconds', 'wallSeconds', 'timeToDetectS', 'timeToMitigateS', 'actions']) expect(report).toHaveProperty(key);
    for (const a of report.actions) expect(Object.keys(a).sort()).toEqual(['service', 't', 'type']);
  }, 180_000);
});
