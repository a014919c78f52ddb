import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects, type Action, type ActionResult } from '../../runtime/contracts/index.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { REPO_ROOT, startTestNats, type TestNats } from '../helpers/nats-server.js';
import { startCliDaemon, type CliDaemon } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

// The exec and webhook actuators as real processes: `vigil actuator run` on a real nats-server,
// commands that really run, a real HTTP receiver.
let nats: TestNats;
let nc: NatsConnection;
let daemon: CliDaemon;
let hook: HttpReceiver;
let dir: string;
const results = new Map<string, ActionResult[]>();
const CTL = join(REPO_ROOT, 'test', 'fixtures', 'actuators', 'ctl.mjs');
const stateFile = (): { version: string; instances: number; runs: number } => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-actuators-'));
  nats = await startTestNats();
  hook = await startHttpReceiver();
  const node = process.execPath;
  writeFileSync(join(dir, 'vigil.json'), JSON.stringify({
    actuators: [
      {
        name: 'ctl', type: 'exec', services: ['billing'], timeoutS: 20, env: { CTL_STATE: join(dir, 'state.json') },
        probe: { run: [node, CTL, 'state'] },
        commands: {
          'rollback-deploy': { run: [node, CTL, 'deploy', '{params.version}'], undo: [node, CTL, 'deploy', '{before.version}'] },
          'scale-out': { run: [node, CTL, 'scale', '{params.instances}'] },
          restart: { run: [node, CTL, 'fail'] },
          'cache-flush': { run: [node, CTL, 'sleep', '30'], timeoutS: 1 },
        },
      },
      { name: 'hook', type: 'webhook', services: ['*'], url: `${hook.url}/act`, headers: { authorization: 'Bearer t0ken' }, timeoutS: 5 },
    ],
  }));
  nc = await nats.connect('operator');
  nc.subscribe(Subjects.actionResult.filter, { callback: (_e, m) => {
    const r = m.json<ActionResult>();
    results.set(r.actionId, [...(results.get(r.actionId) ?? []), r]);
  } });
  daemon = await startCliDaemon(nats, ['actuator', 'run', '--config', join(dir, 'vigil.json'), '--ledger', join(dir, 'ledger.jsonl')], /actuator ready/);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await nc?.close();
  await hook?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function action(type: Action['type'], service: string, params: Record<string, unknown>, extra: Partial<Action> = {}): Action {
  return { actionId: `t${++seq}`, runId: 'test-run', type, service, params, dryRun: false, reason: 'test', ts: Date.now(), ...extra };
}
async function send(a: Action, count = 1): Promise<ActionResult> {
  nc.publish(Subjects.action.subject(a.service), JSON.stringify(a));
  return waitFor(`result ${count} of ${a.actionId}`, () => results.get(a.actionId)?.[count - 1], 20_000);
}

describe('exec actuator (vigil actuator run)', () => {
  it('runs the command with the action\'s params, records before/after, exit code and output, once per actionId', async () => {
    const a = action('rollback-deploy', 'billing', { version: 'v2' });
    const r = await send(a);
    expect(r.status).toBe('applied');
    expect(r.before).toEqual({ version: 'v1', instances: 2 });
    expect(r.after).toMatchObject({ version: 'v2', exec: { exitCode: 0, argv: [process.execPath, CTL, 'deploy', 'v2'] } });
    expect(stateFile()).toMatchObject({ version: 'v2', runs: 1 });
    const again = await send(a, 2);
    expect(again).toEqual(r);
    expect(stateFile().runs).toBe(1);
  });

  it('rolls back with the compensating command, from the state the action recorded', async () => {
    const first = action('rollback-deploy', 'billing', { version: 'v3' });
    expect((await send(first)).before).toEqual({ version: 'v2', instances: 2 });
    const undo = action('redeploy', 'billing', { version: 'v2' }, { compensates: first.actionId });
    const r = await send(undo);
    expect(r.status).toBe('applied');
    expect(r.after).toMatchObject({ version: 'v2', exec: { compensating: true, argv: [process.execPath, CTL, 'deploy', 'v2'] } });
    expect(stateFile().version).toBe('v2');
  });

  it('changes nothing on a dry run and says what it would run', async () => {
    const runs = stateFile().runs;
    const r = await send(action('scale-out', 'billing', { instances: 5 }, { dryRun: true }));
    expect(r.status).toBe('dry-run');
    expect(r.detail).toContain('"scale","5"');
    expect(stateFile()).toMatchObject({ instances: 2, runs });
  });

  it('fails with the exit code and stderr of a failing command, and kills one that overruns its timeout', async () => {
    const failed = await send(action('restart', 'billing', {}));
    expect(failed.status).toBe('failed');
    expect(failed.detail).toMatch(/exit 3 .*boom: the backend refused/);
    expect(failed.after).toMatchObject({ exec: { exitCode: 3 } });
    const slow = await send(action('cache-flush', 'billing', {}));
    expect(slow.status).toBe('failed');
    expect(slow.detail).toContain('timed out after 1 s');
  });

  it('fails with the placeholder named when a parameter is missing, and for a type without a command', async () => {
    const missing = await send(action('scale-out', 'billing', {}));
    expect(missing.status).toBe('failed');
    expect(missing.detail).toContain('{params.instances}');
    const none = await send(action('block-ips', 'billing', {}));
    expect(none.detail).toContain("no command for block-ips");
  });

  it('fencing: refuses an action from an older lease revision, without remembering it', async () => {
    const current = await send(action('scale-out', 'billing', { instances: 3 }, { leaseRevision: 7 }));
    expect(current.status).toBe('applied');
    const stale = action('scale-out', 'billing', { instances: 9 }, { leaseRevision: 6 });
    const refused = await send(stale);
    expect(refused.status).toBe('failed');
    expect(refused.detail).toMatch(/fenced: lease revision 6 is older than 7/);
    expect(stateFile().instances).toBe(3);
    // The same id from the current leader is applied: the refusal was not recorded as the answer.
    const retried = await send({ ...stale, leaseRevision: 8 }, 2);
    expect(retried.status).toBe('applied');
    expect(stateFile().instances).toBe(9);
  });
});

describe('webhook actuator', () => {
  it('POSTs the action with its headers and an idempotency key, and reads the answer', async () => {
    hook.script.push({ status: 200, body: { before: { replicas: 1 }, after: { replicas: 4 }, detail: 'scaled by ops-bot' } });
    const a = action('scale-out', 'checkout', { instances: 4 });
    const r = await send(a);
    expect(r).toMatchObject({ status: 'applied', before: { replicas: 1 }, after: { replicas: 4 }, detail: 'scaled by ops-bot' });
    const req = hook.received.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/act');
    expect(req.headers.authorization).toBe('Bearer t0ken');
    expect(req.headers['idempotency-key']).toBe(a.actionId);
    expect(req.body).toMatchObject({ version: 'vigil.action-request.v1', action: { actionId: a.actionId, type: 'scale-out', params: { instances: 4 } } });
  });

  it('fails on an HTTP error with the URL and status, and sends nothing on a dry run', async () => {
    hook.script.push({ status: 503, body: { error: 'maintenance' } });
    const r = await send(action('restart', 'checkout', {}));
    expect(r.status).toBe('failed');
    expect(r.detail).toContain(`POST ${hook.url}/act: HTTP 503`);
    const count = hook.received.length;
    const dry = await send(action('restart', 'checkout', {}, { dryRun: true }));
    expect(dry.status).toBe('dry-run');
    expect(hook.received.length).toBe(count);
  });

  it('fencing: a stale lease revision reaches no receiver; the current one does', async () => {
    const count = hook.received.length;
    const stale = await send(action('scale-out', 'checkout', { instances: 6 }, { leaseRevision: 2 })); // the exec tests saw 8
    expect(stale.status).toBe('failed');
    expect(stale.detail).toMatch(/fenced: lease revision 2 is older than 8/);
    expect(hook.received.length).toBe(count);
    hook.script.push({ status: 200, body: {} });
    const current = await send(action('scale-out', 'checkout', { instances: 6 }, { leaseRevision: 8 }));
    expect(current.status).toBe('applied');
    expect(hook.received.length).toBe(count + 1);
  });

  it('writes one audit event per action applied', async () => {
    const audits: Record<string, unknown>[] = [];
    const sub = nc.subscribe(Subjects.audit.filter, { callback: (_e, m) => { audits.push(m.json()); } });
    const a = action('scale-out', 'checkout', { instances: 2 });
    await send(a);
    const e = await waitFor('audit of the action', () => audits.find((x) => (x.detail as { actionId?: string }).actionId === a.actionId));
    expect(e).toMatchObject({ machine: 'actuator', runId: 'test-run', to: 'applied', service: 'checkout', detail: { actuator: 'hook' } });
    sub.unsubscribe();
  });
});
