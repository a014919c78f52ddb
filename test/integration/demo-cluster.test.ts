import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects, type Action, type ActionResult } from '../../runtime/contracts/index.js';
import { DEMO_SERVICE, DEMO_VERSIONS, demoActuators } from '../../sim/live/cluster/demo-setup.js';
import { Cluster } from '../../sim/live/cluster/instances.js';
import { REPO_ROOT, startTestNats, type TestNats } from '../helpers/nats-server.js';
import { startCliDaemon, type CliDaemon } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

// The live demo's moving parts on real processes: billable-API instances behind the demo's
// balancer, controlled by `vigil actuator run` (exec) as the orchestrator's actions arrive.
let nats: TestNats;
let nc: NatsConnection;
let actuator: CliDaemon;
let balancer: ChildProcess;
let lb: string;
let dir: string;
let cluster: Cluster;
const results = new Map<string, ActionResult>();
const BALANCER = join(REPO_ROOT, 'dist', 'sim', 'live', 'cluster', 'balancer-main.js');

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
const pids = (): number[] => cluster.read().instances.map((i) => i.pid);

async function lbMetric(name: string): Promise<number> {
  const text = await (await fetch(`${lb}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
}
async function pay(n: number): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await fetch(`${lb}/pay`)).status);
  return codes;
}

let seq = 0;
async function act(type: Action['type'], params: Record<string, unknown>): Promise<ActionResult> {
  const a: Action = { actionId: `demo-${++seq}`, runId: 'demo-test', type, service: DEMO_SERVICE, params, dryRun: false, reason: 'test', ts: Date.now() };
  nc.publish(Subjects.action.subject(DEMO_SERVICE), JSON.stringify(a));
  return waitFor(`result of ${type}`, () => results.get(a.actionId), 60_000);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-demo-cluster-'));
  nats = await startTestNats();
  cluster = new Cluster(join(dir, 'cluster'));
  cluster.init(DEMO_VERSIONS, 'v1', 6);
  await cluster.scale(2);
  balancer = spawn(process.execPath, [BALANCER, '--backends', cluster.backendsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  lb = await new Promise<string>((resolve) => { createInterface({ input: balancer.stdout! }).once('line', (l) => resolve(l.trim())); });
  writeFileSync(join(dir, 'vigil.json'), JSON.stringify({ actuators: demoActuators(cluster.dir) }));
  nc = await nats.connect('operator');
  nc.subscribe(Subjects.actionResult.filter, { callback: (_e, m) => { const r = m.json<ActionResult>(); results.set(r.actionId, r); } });
  actuator = await startCliDaemon(nats, ['actuator', 'run', '--config', join(dir, 'vigil.json'), '--ledger', join(dir, 'ledger.jsonl')], /actuator ready/);
}, 90_000);

afterAll(async () => {
  await actuator?.stop();
  balancer?.kill('SIGTERM');
  if (cluster) cluster.down();
  await nc?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('live demo cluster driven by the exec actuator', () => {
  it('the balancer spreads /pay over the instances and reports what callers see', async () => {
    expect((await pay(20)).every((c) => c === 200)).toBe(true);
    await waitFor('lb gauges', async () => (await lbMetric('lb_rps')) > 0);
    expect(await lbMetric('lb_backends')).toBe(2);
    expect(await lbMetric('lb_error_rate_percent')).toBe(0);
    expect(await lbMetric('lb_deploy_version')).toBe(1);
  });

  it('scale-out starts real instances and scale-in stops them', async () => {
    const before = pids();
    const out = await act('scale-out', { instances: 3 });
    expect(out).toMatchObject({ status: 'applied', before: { instances: 2 }, after: { instances: 3, exec: { exitCode: 0 } } });
    expect(pids()).toHaveLength(3);
    expect(pids().every(alive)).toBe(true);
    const third = pids().find((p) => !before.includes(p))!;
    await waitFor('the balancer sees 3', async () => (await lbMetric('lb_backends')) === 3);
    const inn = await act('scale-in', { instances: 2 });
    expect(inn).toMatchObject({ status: 'applied', after: { instances: 2 } });
    expect(pids()).toEqual(before);
    await waitFor('the third process stopped', () => !alive(third));
  });

  it('restart replaces every process while the balancer keeps answering', async () => {
    const before = pids();
    const traffic = pay(40);
    const r = await act('restart', {});
    expect(r.status).toBe('applied');
    expect(pids().some((p) => before.includes(p))).toBe(false);
    await waitFor('old processes gone', () => before.every((p) => !alive(p)));
    expect((await traffic).filter((c) => c !== 200)).toEqual([]);
  });

  it('a bad release fails requests; rollback-deploy to stable brings v1 back and the errors stop', async () => {
    await cluster.deploy('v2');
    const bad = await pay(60);
    expect(bad.filter((c) => c === 500).length).toBeGreaterThan(5);
    const r = await act('rollback-deploy', { version: 'stable' });
    expect(r).toMatchObject({ status: 'applied', before: { version: 'v2', versionNumber: 2 }, after: { version: 'v1', versionNumber: 3 } });
    expect((await pay(60)).filter((c) => c !== 200)).toEqual([]);
    expect(await lbMetric('lb_deploy_version')).toBe(3);
  });
});
