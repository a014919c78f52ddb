import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/free-port.js';
import { CLI, useTestFleet } from '../helpers/fleet.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { startCliDaemon, type CliDaemon } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

// The approval flow on real processes: the fleet's orchestrator holds a scale-out a policy
// reserves to humans while the simulator plays cpu-spike; the notifier tells a webhook;
// the dashboard lists it with the commands to decide; `vigil approve` lets it through (the simulator applies it), `vigil deny` and a deadline do not.
const ctx = useTestFleet();
let hook: HttpReceiver;
let notifier: CliDaemon;
let dashboard: CliDaemon;
let dashboardUrl: string;
let dir: string;

interface Row { id: string; service: string; type: string; secondsLeft: number }
interface Report { actions: { type: string; service: string }[] }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-approvals-'));
  hook = await startHttpReceiver();
  writeFileSync(join(dir, 'vigil.json'), JSON.stringify({ notifications: { channels: [{ name: 'ops', type: 'webhook', url: `${hook.url}/vigil`, levels: [] }] } }));
  notifier = await startCliDaemon(ctx.fleet.nats, ['notify', 'run', '--config', join(dir, 'vigil.json')], /notifier ready/);
  const port = await freePort();
  dashboard = await startCliDaemon(ctx.fleet.nats, ['dashboard', '--port', String(port)], /dashboard at/);
  dashboardUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await dashboard?.stop();
  await notifier?.stop();
  await hook?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setApprovals(approvals: unknown): Promise<void> {
  const r = await ctx.fleet.cli('directive', 'set-config', '--to', 'orchestrator', '--patch', JSON.stringify({ approvals }));
  expect(r.code, r.stderr + r.stdout).toBe(0);
}

/** `vigil sim run cpu-spike` in the background, slowed so that a human has time to decide. */
function playCpuSpike(): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sim', 'run', 'cpu-spike', '--json', '--tick-delay', '60'], {
      env: { ...process.env, VIGIL_HOME: ctx.fleet.nats.home, VIGIL_NATS_URL: ctx.fleet.nats.url, VIGIL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Report) : reject(new Error(`sim run exited ${code}: ${err}`))));
  });
}

async function pending(): Promise<Row[]> {
  const r = await ctx.fleet.cli('approvals', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

/** The action ids the dashboard lists as waiting for approval. */
async function onDashboard(): Promise<string[]> {
  const snap = await (await fetch(`${dashboardUrl}/api/snapshot`)).json() as { approvals: { id: string }[] };
  return snap.approvals.map((a) => a.id);
}

async function auditOf(runId: string): Promise<{ machine: string; to: string; detail?: Record<string, unknown> }[]> {
  const r = await ctx.fleet.cli('audit', runId, '--json');
  return JSON.parse(r.stdout) as { machine: string; to: string; detail?: Record<string, unknown> }[];
}

describe('approval gates (fleet, simulator, notifier, CLI)', () => {
  it('a scale-out reserved to humans waits, is notified, and is applied once approved', async () => {
    await setApprovals({ rules: [{ types: ['scale-out'], services: ['api'] }], deadlineS: 600 });
    const run = playCpuSpike();
    const [row] = await waitFor('a pending approval', async () => { const p = await pending(); return p.length > 0 && p; }, 120_000, 250);
    expect(row).toMatchObject({ service: 'api', type: 'scale-out' });
    const told = await waitFor('the webhook told of the approval', () => hook.received.find((r) => (r.body as { kind?: string }).kind === 'approval-requested'));
    expect((told.body as { summary: string }).summary).toContain(`vigil approve ${row.id}`);
    await waitFor('the dashboard to list the pending approval', async () => (await onDashboard()).includes(row.id), 30_000, 250);
    const ok = await ctx.fleet.cli('approve', row.id, '--by', 'alice');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('approved by alice');
    await waitFor('the dashboard to drop the approved action', async () => !(await onDashboard()).includes(row.id), 30_000, 250);
    const report = await run;
    expect(report.actions.some((a) => a.type === 'scale-out' && a.service === 'api')).toBe(true);
    const trail = (await auditOf(row.id.replace(/_[^_]+$/, ''))).filter((e) => e.machine === 'approval');
    expect(trail.map((e) => e.to).slice(0, 2)).toEqual(['pending-approval', 'approved']);
    expect(trail[1].detail).toMatchObject({ actionId: row.id, by: 'alice' });
  }, 240_000);

  it('deny and an expired deadline apply nothing; the deny is audited with who and why', async () => {
    // Long enough for two CLI calls on a loaded machine, short enough to see the later requests expire.
    await setApprovals({ rules: [{ types: ['scale-out'] }], deadlineS: 20 });
    const run = playCpuSpike();
    const [row] = await waitFor('a pending approval', async () => { const p = await pending(); return p.length > 0 && p; }, 120_000, 250);
    const no = await ctx.fleet.cli('deny', row.id, '--by', 'bob', '--reason', 'change freeze');
    expect(no.code, no.stderr).toBe(0);
    const report = await run;
    expect(report.actions.filter((a) => a.type === 'scale-out')).toEqual([]);
    await waitFor('no more waits (20 s deadlines)', async () => (await pending()).length === 0, 60_000, 500);
    const trail = (await auditOf(row.id.replace(/_[^_]+$/, ''))).filter((e) => e.machine === 'approval');
    expect(trail.find((e) => e.to === 'denied')?.detail).toMatchObject({ actionId: row.id, by: 'bob', why: 'change freeze' });
    // Every request of both runs ended in a verdict: the later ones nobody answered ran out of
    // their 20 s or were withdrawn when their run moved on; only the first test's was approved.
    const count = (to: string): number => trail.filter((e) => e.to === to).length;
    expect(count('approved')).toBe(1);
    expect(count('pending-approval')).toBe(count('approved') + count('denied') + count('expired') + count('withdrawn'));
    const again = await ctx.fleet.cli('approve', row.id);
    expect(again.code).toBe(2); // no action waits by that id any more: an unknown id (README "Exit codes")
    expect(again.stderr).toContain(`no action ${row.id} waits for approval`);
  }, 240_000);

  it('a deadline nobody meets escalates: the action is refused, audited as expired, and the channel hears it as critical', async () => {
    await setApprovals({ rules: [{ types: ['scale-out'] }], deadlineS: 3 });
    const before = hook.received.length;
    const run = playCpuSpike();
    const [row] = await waitFor('a pending approval', async () => { const p = await pending(); return p.length > 0 && p; }, 120_000, 250);
    const told = await waitFor('the webhook told of the expired approval', () => hook.received.slice(before)
      .find((r) => (r.body as { kind?: string; key?: string }).kind === 'approval-expired' && JSON.stringify(r.body).includes(row.id)), 60_000);
    expect(told.body).toMatchObject({ kind: 'approval-expired', severity: 'critical' });
    expect((told.body as { summary: string }).summary).toContain('before its deadline: escalated');
    await waitFor('the dashboard to drop the expired action', async () => !(await onDashboard()).includes(row.id), 30_000, 250);
    const report = await run;
    expect(report.actions.filter((a) => a.type === 'scale-out')).toEqual([]);
    const expired = (await auditOf(row.id.replace(/_[^_]+$/, ''))).find((e) => e.machine === 'approval' && e.to === 'expired' && e.detail?.actionId === row.id);
    expect(expired?.detail).toMatchObject({ escalate: true });
  }, 240_000);
});
