import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Subjects, type Action, type AuditEvent, type Incident } from '../../runtime/contracts/index.js';
import { currentLeader } from '../../runtime/nats/leader.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { REPO_ROOT } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

interface LogEntry { actionId: string; type: string; service: string; status: string; repeats: number }
interface RunJson { actionLog: LogEntry[]; actions: { type: string }[] }

/** Each action id appears once in the simulator's log and was applied (or refused) once. */
function expectEachActionOnce(log: LogEntry[]): void {
  const ids = log.map((a) => a.actionId);
  expect(new Set(ids).size).toBe(ids.length);
}

function spawnOrchestrator(fleet: TestFleet, id: string): ChildProcess {
  return spawn(process.execPath, [join(REPO_ROOT, 'dist', 'runtime', 'agent-main.js'), 'orchestrator', id], {
    env: { ...process.env, VIGIL_NATS_URL: fleet.nats.url, VIGIL_NATS_USER: 'orchestrator', VIGIL_NATS_PASSWORD: fleet.nats.creds.orchestrator, VIGIL_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
}

describe('orchestrator: durable runs on a real fleet', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  beforeAll(() => { ({ fleet, nc } = shared); });

  it('orchestrator: a directive changing a trigger threshold shows in inspect and is used by the next evaluation', async () => {
    const cpuActions = async (threshold: number): Promise<Action[]> => {
      const res = await fleet.cli('directive', 'set-trigger', '--to', 'orchestrator', '--trigger', 'cpu_high', '--threshold', String(threshold), '--json');
      expect(res.code, res.stdout + res.stderr).toBe(0);
      const inspect = JSON.parse((await fleet.cli('inspect', 'orchestrator', '--json')).stdout) as { state: { brain: { policy: { triggers: Record<string, { threshold: number }> } } } }[];
      expect(inspect[0].state.brain.policy.triggers.cpu_high.threshold).toBe(threshold);
      const actions: Action[] = [];
      const sub = nc.subscribe(Subjects.action.filter, { callback: (_e, m) => { actions.push(m.json<Action>()); } });
      const run = await fleet.cli('sim', 'run', 'cpu-spike', '--json');
      expect(run.code, run.stderr).toBe(0);
      sub.unsubscribe();
      return actions.filter((a) => a.reason.startsWith('cpu_high'));
    };
    // cpu-spike climbs to about 95 %: a 99 % trigger never fires, a 55 % one does.
    expect(await cpuActions(99)).toEqual([]);
    expect((await cpuActions(55)).length).toBeGreaterThan(0);
    expect((await fleet.cli('directive', 'set-trigger', '--to', 'orchestrator', '--trigger', 'cpu_high', '--threshold', '70')).code).toBe(0);
  }, 120_000);

  it('vigil incident ls / ack / resolve, vigil audit: an incident goes through acknowledgement and resolution', async () => {
    const run = await fleet.cli('sim', 'run', 'cpu-spike', '--json');
    expect(run.code, run.stderr).toBe(0);
    const [orchestrator] = JSON.parse((await fleet.cli('inspect', 'orchestrator', '--json')).stdout) as { state: { brain: { clock: number } } }[];
    const now = orchestrator.state.brain.clock;
    const incident: Incident = {
      id: 'inc-cli-test', service: 'api', status: 'open', services: ['api'], alertIds: ['a-1'], metrics: ['api.error_rate'],
      rootCause: { service: 'api', metric: 'error_rate', reason: 'test' }, candidates: [{ service: 'api', score: 1 }],
      pattern: 'single', severity: 'red', score: 0.9, confidence: 0.9, openedAt: now, revision: ++incidentRevisions, ts: now,
    };
    nc.publish(Subjects.incident.subject('api'), JSON.stringify(incident));
    const listed = await waitFor('the incident in vigil incident ls', async () => {
      const ls = await fleet.cli('incident', 'ls', '--json');
      return (JSON.parse(ls.stdout) as { id: string; status: string; level: string }[]).find((i) => i.id === 'inc-cli-test');
    }, 15_000, 200);
    expect(listed).toMatchObject({ status: 'open', level: 'N0' });
    const ack = await fleet.cli('incident', 'ack', 'inc-cli-test', '--json');
    expect(ack.code, ack.stderr).toBe(0);
    expect(JSON.parse(ack.stdout)).toMatchObject({ id: 'inc-cli-test', status: 'acknowledged' });
    const resolved = await fleet.cli('incident', 'resolve', 'inc-cli-test', '--json');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ id: 'inc-cli-test', status: 'resolved' });
    const audit = await waitFor('audit events of the incident', async () => {
      const res = await fleet.cli('audit', 'inc-cli-test', '--json');
      const events = JSON.parse(res.stdout) as { event: string }[];
      return events.length >= 2 ? events : undefined;
    }, 10_000, 300);
    expect(audit.length).toBeGreaterThanOrEqual(2);
    const unknown = await fleet.cli('incident', 'ack', 'inc-does-not-exist');
    expect(unknown.code).not.toBe(0);
  }, 120_000);

  it('orchestrator: kill -9 while a remediation is validating; the restarted one finishes or rolls back, each action applied once', async () => {
    const audit: AuditEvent[] = [];
    const sub = nc.subscribe(Subjects.audit.filter, { callback: (_e, m) => { audit.push(m.json<AuditEvent>()); } });
    // --max-replays 0: the restarted orchestrator itself must finish the run, not a replay of it.
    const running = fleet.cli('sim', 'run', 'bad-deploy', '--json', '--tick-delay', '20', '--stall-timeout', '60000', '--max-replays', '0');
    const validating = await waitFor('a remediation entering postValidation', () =>
      audit.find((e) => e.machine === 'remediation' && e.to === 'postValidation'), 90_000, 20);
    const before = (await fleet.rows()).find((r) => r.kind === 'orchestrator')!;
    process.kill(before.pid, 'SIGKILL');
    const res = await running;
    sub.unsubscribe();
    expect(res.code, res.stderr).toBe(0);
    const after = (await fleet.rows()).find((r) => r.kind === 'orchestrator')!;
    expect(after.pid).not.toBe(before.pid);
    const ends = audit.filter((e) => e.runId === validating.runId).map((e) => e.to);
    expect(ends.some((to) => ['done', 'rolledBack', 'escalated'].includes(to))).toBe(true);
    const report = JSON.parse(res.stdout) as RunJson;
    expectEachActionOnce(report.actionLog);
  }, 180_000);

  it('orchestrator: two orchestrators, the leader killed; the other takes the lease and acts within 15 s, nothing done twice', async () => {
    const extra = spawnOrchestrator(fleet, 'orchestrator-2');
    try {
      await waitFor('orchestrator-2 registered', async () => (await fleet.rows()).some((r) => r.agentId === 'orchestrator-2' && r.status === 'healthy'), 15_000, 100);
      const leader = await currentLeader(nc);
      expect(leader).toBe('orchestrator-1');
      // The supervisor must not bring orchestrator-1 back during the test: hold it, then kill it.
      const running = fleet.cli('sim', 'run', 'cpu-spike', '--json', '--tick-delay', '10', '--stall-timeout', '60000', '--max-replays', '0');
      let ticks = 0;
      const tickSub = nc.subscribe(Subjects.simTick.subject(), { callback: () => { ticks++; } });
      await waitFor('the run under way', () => ticks >= 40, 30_000, 20);
      tickSub.unsubscribe();
      const killedAt = Date.now();
      fleet.supervisor.hold('orchestrator-1');
      process.kill((await fleet.rows()).find((r) => r.agentId === 'orchestrator-1')!.pid, 'SIGKILL');
      const took = await waitFor('orchestrator-2 holding the lease', async () => ((await currentLeader(nc)) === 'orchestrator-2' ? Date.now() : undefined), 15_000, 100);
      expect(took - killedAt).toBeLessThan(15_000);
      const res = await running;
      expect(res.code, res.stderr).toBe(0);
      const report = JSON.parse(res.stdout) as RunJson;
      expect(report.actions.some((a) => a.type === 'scale-out')).toBe(true);
      expectEachActionOnce(report.actionLog);
    } finally {
      extra.kill('SIGTERM');
      fleet.supervisor.release('orchestrator-1');
    }
  }, 180_000);
});
