import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Buckets, LEADER_LEASE_KEY, Subjects, type Action } from '../../runtime/contracts/index.js';
import type { LeaseRecord } from '../../runtime/host/lease.js';
import { currentLeader } from '../../runtime/nats/leader.js';
import { alive } from '../../runtime/supervisor/fleet-file.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { REPO_ROOT } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

interface RunJson {
  actionLog: { actionId: string; type: string; service: string; t: number; status: string; repeats: number }[];
  actions: { type: string; service: string; t: number }[];
  refusedActions: { actionId: string; leaseRevision: number | null; reason: string }[];
}

async function leaseRecord(nc: NatsConnection): Promise<LeaseRecord> {
  const entry = await (await new Kvm(nc).open(Buckets.lease)).get(LEADER_LEASE_KEY);
  return entry!.json<LeaseRecord>();
}

/** Issue 9, fencing: a leader hung (SIGSTOP) past its lease cannot act once another leads. */
describe('fencing: two orchestrators, the leader hung past its lease', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  beforeAll(() => { ({ fleet, nc } = shared); });

  it('fencing: each action applied once, the stale leader publication refused, the run still scales out', async () => {
    const undisturbed = await fleet.cli('sim', 'run', 'cpu-spike', '--json');
    expect(undisturbed.code, undisturbed.stderr).toBe(0);
    const expected = (JSON.parse(undisturbed.stdout) as RunJson).actions;
    expect(expected.length).toBeGreaterThan(0);

    const second: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'runtime', 'agent-main.js'), 'orchestrator', 'orchestrator-2'], {
      env: { ...process.env, VIGIL_NATS_URL: fleet.nats.url, VIGIL_NATS_USER: 'orchestrator', VIGIL_NATS_PASSWORD: fleet.nats.creds.orchestrator, VIGIL_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const leaderPid = (await fleet.rows()).find((r) => r.agentId === 'orchestrator-1')!.pid;
    try {
      await waitFor('orchestrator-2 registered', async () => (await fleet.rows()).some((r) => r.agentId === 'orchestrator-2' && r.status === 'healthy'), 15_000, 100);
      expect(await currentLeader(nc)).toBe('orchestrator-1');
      const before = await leaseRecord(nc);
      // --max-replays 0: the failover itself must carry the run, not a replay of it.
      const running = fleet.cli('sim', 'run', 'cpu-spike', '--json', '--tick-delay', '10', '--stall-timeout', '60000', '--max-replays', '0');
      let ticks = 0;
      const tickSub = nc.subscribe(Subjects.simTick.subject(), { callback: () => { ticks++; } });
      await waitFor('the run under way', () => ticks >= 40, 30_000, 20);
      tickSub.unsubscribe();
      process.kill(leaderPid, 'SIGSTOP');
      await waitFor('orchestrator-2 holding the lease', async () => (await currentLeader(nc)) === 'orchestrator-2', 20_000, 100);
      const after = await leaseRecord(nc);
      expect(after.revision).toBeGreaterThan(before.revision!);
      // What the hung leader would publish on waking: an action decided under its old revision.
      const stale = await fleet.nats.connect('orchestrator', 'stale-leader');
      const action: Action = {
        actionId: 'stale-scale-out', runId: 'scaling-api', type: 'scale-out', service: 'api', params: { instances: 9 },
        dryRun: false, reason: 'decided before the hang', leaseRevision: before.revision, ts: 0,
      };
      stale.publish(Subjects.action.subject('api'), JSON.stringify(action));
      await stale.flush();
      await stale.close();
      process.kill(leaderPid, 'SIGCONT');
      const res = await running;
      expect(res.code, res.stderr).toBe(0);
      const report = JSON.parse(res.stdout) as RunJson;
      expect(report.refusedActions.map((r) => r.actionId)).toContain('stale-scale-out');
      expect(report.actionLog.map((a) => a.actionId)).not.toContain('stale-scale-out');
      const ids = report.actionLog.map((a) => a.actionId);
      expect(new Set(ids).size).toBe(ids.length);
      // A failover may move a decision by a tick (the standby restores the runs and goes on);
      // what fencing guarantees is that nothing is applied twice and the stale leader acts never.
      expect(report.actions.some((a) => a.type === 'scale-out')).toBe(true);
      expect(expected.some((a) => a.type === 'scale-out')).toBe(true);
    } finally {
      if (alive(leaderPid)) process.kill(leaderPid, 'SIGCONT');
      second.kill('SIGTERM');
    }
  }, 240_000);
});
