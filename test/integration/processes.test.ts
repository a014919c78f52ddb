import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/free-port.js';
import { alive, readFleetFile, removeFleetFile, type FleetFile } from '../../runtime/supervisor/fleet-file.js';
import { runCli } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 9, processes that cannot be lost: `vigil up --detach` on a free port with its own home;
 * nats-server killed, the supervisor killed, an agent hung, the fleet file lost.
 */
describe('processes: nothing is orphaned, nothing hangs for ever', () => {
  const home = mkdtempSync(join(tmpdir(), 'vigil-processes-'));
  let env: { home: string; url: string };
  const fleet = (): FleetFile => readFleetFile(home)!;
  const healthy = async (): Promise<{ agentId: string; pid: number; status: string }[] | undefined> => {
    const ps = await runCli(env, ['ps', '--json'], 30_000);
    if (ps.code !== 0) return undefined;
    const rows = JSON.parse(ps.stdout) as { agentId: string; pid: number; status: string }[];
    return rows.length >= 9 && rows.every((r) => r.status === 'healthy') ? rows : undefined;
  };
  const up = async (): Promise<void> => {
    const res = await runCli(env, ['up', '--detach', '--json']);
    expect(res.code, res.stderr).toBe(0);
  };

  beforeAll(async () => {
    env = { home, url: `nats://127.0.0.1:${await freePort()}` };
    await up();
  }, 120_000);
  afterAll(async () => {
    await runCli(env, ['down', '--json'], 60_000);
    rmSync(home, { recursive: true, force: true });
  }, 90_000);

  it('supervisor: nats-server it started is killed -9; it is restarted and the agents are healthy again', async () => {
    const before = fleet().serverPid!;
    process.kill(before, 'SIGKILL');
    await waitFor('a new nats-server', () => { const pid = readFleetFile(home)?.serverPid; return pid !== undefined && pid !== before && alive(pid); }, 30_000, 200);
    await waitFor('every agent healthy again', healthy, 60_000, 500);
  }, 120_000);

  it('supervisor: an agent hung (SIGSTOP) is killed and restarted after its heartbeat deadline', async () => {
    const rows = (await healthy())!;
    const filter = rows.find((r) => r.agentId === 'filter-1')!;
    process.kill(filter.pid, 'SIGSTOP');
    try {
      const back = await waitFor('filter-1 restarted', async () => (await healthy())?.find((r) => r.agentId === 'filter-1' && r.pid !== filter.pid), 60_000, 500);
      expect(back.pid).not.toBe(filter.pid);
      expect(alive(filter.pid)).toBe(false);
    } finally {
      if (alive(filter.pid)) process.kill(filter.pid, 'SIGCONT');
    }
  }, 120_000);

  it('supervisor kill -9: its agents stop by themselves; vigil down ends nats-server; vigil up starts one fleet', async () => {
    const f = fleet();
    const agentPids = f.agents.map((a) => a.pid!).filter(Boolean);
    process.kill(f.supervisorPid, 'SIGKILL');
    await waitFor('every agent gone with its supervisor', () => agentPids.every((p) => !alive(p)), 30_000, 200);
    expect(alive(f.serverPid)).toBe(true);
    const down = await runCli(env, ['down', '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ stopped: true });
    expect(alive(f.serverPid)).toBe(false);
    await up();
    const rows = (await waitFor('one healthy fleet', healthy, 60_000, 500));
    expect(rows).toHaveLength(9);
  }, 180_000);

  it('vigil down without the fleet file: the fleet is found in the registry and stopped', async () => {
    const f = fleet();
    removeFleetFile(home);
    const down = await runCli(env, ['down', '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ stopped: true });
    await waitFor('the supervisor and its agents gone', () => !alive(f.supervisorPid) && f.agents.every((a) => !alive(a.pid)), 30_000, 200);
    await waitFor('nats-server stopped by its supervisor', () => !alive(f.serverPid), 30_000, 200);
  }, 120_000);
});
