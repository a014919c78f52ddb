import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/bench/bench-fleet.js';
import { runCli } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

// cpu-spike and flash-crowd (api, db) fall in one partition of two; partner-timeout's fx-partner
// falls in the other, so its run exercises a real split.
const SCENARIOS = ['cpu-spike', 'flash-crowd', 'partner-timeout'] as const;
type Env = { home: string; url: string };
interface Row { agentId: string; kind: string; pid: number; status: string; lastHeartbeat: number }

const homes: string[] = [];
async function up(...scale: string[]): Promise<Env> {
  const home = mkdtempSync(join(tmpdir(), 'vigil-e2e-partitioned-'));
  homes.push(home);
  const env = { home, url: `nats://127.0.0.1:${await freePort()}` };
  const res = await runCli(env, ['up', '--detach', '--json', ...scale.flatMap((s) => ['--scale', s])]);
  expect(res.code, res.stderr).toBe(0);
  return env;
}
async function down(env: Env): Promise<void> {
  const res = await runCli(env, ['down', '--json']);
  expect(res.code, res.stderr).toBe(0);
}
/** A scenario's report without its wall time (the only thing allowed to differ between fleets). */
async function play(env: Env, scenario: string): Promise<Record<string, unknown>> {
  // A fleet just up may not have elected its orchestrator yet, and a loaded machine may miss the
  // begin-run acknowledgement deadline: both mean the run never started, so it is played again.
  const res = await waitFor(`${scenario} started`, async () => {
    const r = await runCli(env, ['sim', 'run', scenario, '--json'], 90_000);
    if (r.code !== 0 && /leader lease|did not acknowledge/.test(r.stderr)) throw new Error(r.stderr);
    return r;
  }, 60_000, 1000);
  expect(res.code, res.stderr).toBe(0);
  // Wall time and the run's own tag (in runId and incident ids) are all that may differ between runs.
  const report = JSON.parse(res.stdout) as Record<string, unknown> & { runId: string };
  delete report.wallSeconds;
  return JSON.parse(JSON.stringify(report).replaceAll(report.runId.replace(/^run-/, ''), 'RUN')) as Record<string, unknown>;
}
async function inspect<T>(env: Env, kind: string): Promise<{ agentId: string; state: T }[]> {
  const res = await runCli(env, ['inspect', kind, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { agentId: string; state: T }[]).sort((a, b) => a.agentId.localeCompare(b.agentId));
}
async function ps(env: Env): Promise<Row[]> {
  const res = await runCli(env, ['ps', '--json']);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Row[];
}

/**
 * Partitioned agents (issue 13): with two detectors and two aggregators each replica owns a
 * share of the services, and a scenario's report (alerts, incidents, actions, outcome) is the
 * one a single replica gives for the same seed, also after a replica was killed.
 */
describe('e2e: --scale detector=2 --scale aggregator=2 decide as one replica does', () => {
  const single = new Map<string, Record<string, unknown>>();
  afterAll(() => { for (const h of homes) rmSync(h, { recursive: true, force: true }); });

  it('one replica each: the reference reports', async () => {
    const env = await up();
    try {
      for (const s of SCENARIOS) single.set(s, await play(env, s));
    } finally {
      await down(env);
    }
    expect((single.get('cpu-spike')!.actions as unknown[]).length).toBeGreaterThan(0);
  }, 240_000);

  it('two replicas each: services split between them, the same reports; a killed replica is back within 5 s and decides the same', async () => {
    const env = await up('detector=2', 'aggregator=2');
    try {
      for (const s of SCENARIOS) expect(await play(env, s), s).toEqual(single.get(s));

      // After partner-timeout, each replica kept state for its own services only.
      const detectors = await inspect<{ statSeries: number }>(env, 'detector');
      expect(detectors.map((d) => d.agentId)).toEqual(['detector-1', 'detector-2']);
      for (const d of detectors) expect(d.state.statSeries, d.agentId).toBeGreaterThan(0);
      const aggregators = await inspect<{ services: Record<string, unknown> }>(env, 'aggregator');
      const [a1, a2] = aggregators.map((a) => Object.keys(a.state.services));
      expect(a1.length).toBeGreaterThan(0);
      expect(a2.length).toBeGreaterThan(0);
      expect(a1.filter((s) => a2.includes(s))).toEqual([]);

      const before = (await ps(env)).find((r) => r.agentId === 'detector-2')!;
      const killedAt = Date.now();
      process.kill(before.pid, 'SIGKILL');
      await waitFor('detector-2 restarted and healthy', async () => {
        const row = (await ps(env)).find((r) => r.agentId === 'detector-2');
        return row && row.pid !== before.pid && row.status === 'healthy' && row.lastHeartbeat > killedAt ? row : undefined;
      }, 5000, 100);
      expect(Date.now() - killedAt).toBeLessThan(5000);
      expect(await play(env, 'cpu-spike')).toEqual(single.get('cpu-spike'));
    } finally {
      await down(env);
    }
  }, 360_000);
});
