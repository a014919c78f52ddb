import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects, type AuditEvent } from '../../runtime/contracts/index.js';
import { runCli } from '../helpers/fleet.js';
import { startHttpReceiver, type HttpReceiver, type Received } from '../helpers/http-receiver.js';
import { startTestNats, type TestNats } from '../helpers/nats-server.js';
import { startCliDaemon, type CliDaemon } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

// `vigil notify run` as a real process following the audit trail of a real nats-server, and
// real HTTP receivers that check each payload against the format its service documents.
let nats: TestNats;
let nc: NatsConnection;
let daemon: CliDaemon;
let slack: HttpReceiver;
let pager: HttpReceiver;
let ops: HttpReceiver;
let dir: string;
const audits: AuditEvent[] = [];
const ROUTING_KEY = 'R0UTINGKEY0123456789abcdefABCDEF';

/** Slack incoming webhook: text (the fallback) and Block Kit blocks. */
function checkSlack(r: Received): string[] {
  const b = r.body as { text?: unknown; blocks?: { type?: unknown; text?: { type?: unknown; text?: unknown }; elements?: unknown[] }[] };
  const bad: string[] = [];
  if (r.headers['content-type'] !== 'application/json') bad.push('content-type');
  if (typeof b.text !== 'string' || b.text === '') bad.push('text');
  for (const block of b.blocks ?? []) {
    if (block.type === 'section' && (block.text?.type !== 'mrkdwn' || typeof block.text.text !== 'string')) bad.push('section.text');
    else if (block.type === 'context' && !Array.isArray(block.elements)) bad.push('context.elements');
    else if (block.type !== 'section' && block.type !== 'context') bad.push(`block type ${String(block.type)}`);
  }
  return bad;
}

/** PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/overview/). */
function checkPagerDuty(r: Received): string[] {
  const b = r.body as Record<string, unknown> & { payload?: Record<string, unknown> };
  const bad: string[] = [];
  if (b.routing_key !== ROUTING_KEY) bad.push('routing_key');
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(b.event_action))) bad.push('event_action');
  if (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255) bad.push('dedup_key');
  if (b.event_action === 'trigger') {
    const p = b.payload ?? {};
    if (typeof p.summary !== 'string' || p.summary.length > 1024 || p.summary === '') bad.push('payload.summary');
    if (typeof p.source !== 'string' || p.source === '') bad.push('payload.source');
    if (!['critical', 'error', 'warning', 'info'].includes(String(p.severity))) bad.push('payload.severity');
    if (typeof p.timestamp !== 'string' || Number.isNaN(Date.parse(p.timestamp))) bad.push('payload.timestamp');
  } else if (b.payload !== undefined) bad.push('payload on acknowledge/resolve');
  return bad;
}

function checkWebhook(r: Received): string[] {
  const b = r.body as Record<string, unknown>;
  return ['version', 'kind', 'key', 'summary', 'severity', 'ts'].filter((k) => b[k] === undefined)
    .concat(b.version === 'vigil.notification.v1' ? [] : ['version value']);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-notify-'));
  [nats, slack, pager, ops] = await Promise.all([startTestNats(), startHttpReceiver(), startHttpReceiver({ status: 202, body: { status: 'success' } }), startHttpReceiver()]);
  writeFileSync(join(dir, 'vigil.json'), JSON.stringify({
    notifications: {
      channels: [
        { name: 'slack', type: 'slack', url: `${slack.url}/services/T0/B0/x` },
        { name: 'call', type: 'pagerduty', routingKey: ROUTING_KEY, url: `${pager.url}/v2/enqueue`, approvals: false },
        { name: 'ops', type: 'webhook', url: `${ops.url}/vigil`, levels: ['N1', 'N2'], headers: { authorization: 'Bearer ops' } },
      ],
      retry: { attempts: 3, initialMs: 50, maxMs: 200 },
    },
  }));
  nc = await nats.connect('operator');
  nc.subscribe(Subjects.audit.filter, { callback: (_e, m) => { audits.push(m.json()); } });
  daemon = await startCliDaemon(nats, ['notify', 'run', '--config', join(dir, 'vigil.json')], /notifier ready/);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await nc?.close();
  await Promise.all([slack?.close(), pager?.close(), ops?.close()]);
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function publish(e: Omit<AuditEvent, 'ts'>): void {
  nc.publish(Subjects.audit.subject(e.runId), JSON.stringify({ ...e, ts: Date.now() }));
}
const escalated = (incidentId: string, level: string, channels: string[]): Omit<AuditEvent, 'ts'> => ({
  runId: `escalation-${incidentId}`, machine: 'escalation', incidentId, service: 'billing', from: 'active', to: 'active', event: 'escalated',
  detail: { level, who: 'specialist team', channels, reason: 'not resolved 1800 s after opening' },
});
const deliveries = (incidentId: string): AuditEvent[] => audits.filter((a) => a.machine === 'notification' && a.incidentId === incidentId);

describe('notifications (vigil notify run)', () => {
  it('sends each escalation level to the channels that hear it, in each channel\'s format', async () => {
    publish(escalated('inc-1', 'N1', ['sms', 'email', 'chat']));
    await waitFor('N1 on the ops webhook', () => ops.received.length === 1);
    publish(escalated('inc-1', 'N2', ['sms', 'call', 'slack']));
    await waitFor('N2 on slack, pagerduty and ops', () => slack.received.length === 1 && pager.received.length === 1 && ops.received.length === 2);
    expect(checkSlack(slack.received[0])).toEqual([]);
    expect(slack.received[0].body).toMatchObject({ text: expect.stringContaining('N2 incident inc-1 on billing') });
    expect(checkPagerDuty(pager.received[0])).toEqual([]);
    expect(pager.received[0].body).toMatchObject({ event_action: 'trigger', dedup_key: 'vigil-inc-1', payload: { severity: 'error', component: 'billing' } });
    for (const r of ops.received) expect(checkWebhook(r)).toEqual([]);
    expect(ops.received[0].headers.authorization).toBe('Bearer ops');
    expect(ops.received.map((r) => (r.body as { level: string }).level)).toEqual(['N1', 'N2']);
  });

  it('acknowledges and resolves the PagerDuty incident with the same dedup key', async () => {
    publish({ runId: 'escalation-inc-1', machine: 'escalation', incidentId: 'inc-1', service: 'billing', from: 'active', to: 'acknowledged', event: 'ACK' });
    publish({ runId: 'escalation-inc-1', machine: 'escalation', incidentId: 'inc-1', service: 'billing', from: 'acknowledged', to: 'resolved', event: 'RESOLVE' });
    await waitFor('acknowledge and resolve on pagerduty', () => pager.received.length === 3);
    for (const r of pager.received) expect(checkPagerDuty(r)).toEqual([]);
    expect(pager.received.map((r) => [(r.body as { event_action: string }).event_action, (r.body as { dedup_key: string }).dedup_key]))
      .toEqual([['trigger', 'vigil-inc-1'], ['acknowledge', 'vigil-inc-1'], ['resolve', 'vigil-inc-1']]);
    await waitFor('resolved on slack', () => slack.received.some((r) => String((r.body as { text: string }).text).includes('inc-1 on billing resolved')));
  });

  it('retries with backoff until the receiver answers, and records every delivery in the audit trail', async () => {
    slack.script.push({ status: 503, body: 'busy' }, { status: 429, body: 'slow down' });
    publish(escalated('inc-2', 'N2', ['slack']));
    const ok = await waitFor('slack delivery of inc-2', () => deliveries('inc-2').find((a) => a.event === 'slack'));
    expect(ok).toMatchObject({ to: 'delivered', from: 'escalated', detail: { attempts: 3, status: 200, type: 'slack', level: 'N2' } });
    expect(slack.received.filter((r) => String((r.body as { text: string }).text).includes('inc-2'))).toHaveLength(3);
  });

  it('gives up on a permanent error at once and says so in the audit trail', async () => {
    ops.script.push({ status: 400, body: { error: 'bad payload' } });
    publish(escalated('inc-3', 'N1', []));
    const failed = await waitFor('failed delivery of inc-3', () => deliveries('inc-3').find((a) => a.event === 'ops'));
    expect(failed).toMatchObject({ to: 'failed', detail: { attempts: 1, status: 400, error: expect.stringContaining('HTTP 400') } });
  });

  it('tells the approval channels that an action waits for a human, with the commands to decide', async () => {
    publish({ runId: 'remediation-x', machine: 'approval', incidentId: 'inc-4', service: 'billing', from: '(new)', to: 'pending-approval', event: 'REQUEST',
      detail: { actionId: 'remediation-x_p1', type: 'rollback-deploy', reason: 'deploy regression' } });
    const msg = await waitFor('approval on slack', () => slack.received.find((r) => String((r.body as { text: string }).text).includes('approval needed')));
    expect((msg.body as { text: string }).text).toContain('vigil approve remediation-x_p1');
    await waitFor('approval on ops', () => ops.received.find((r) => (r.body as { kind: string }).kind === 'approval-requested'));
    expect(pager.received.some((r) => String((r.body as { dedup_key: string }).dedup_key).includes('approval'))).toBe(false);
  });

  it('vigil notify check rejects a bad channel with its path; vigil notify test reports each delivery', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ notifications: { channels: [{ name: 'x', type: 'pagerduty', url: 'ftp://nope' }] } }));
    const bad = await runCli(nats, ['notify', 'check', '--config', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('notifications.channels.0');
    expect(bad.stderr).toContain('routingKey');
    const t = await runCli(nats, ['notify', 'test', '--config', join(dir, 'vigil.json'), '--channel', 'slack', '--json']);
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject([{ channel: 'slack', delivery: { ok: true, attempts: 1, status: 200 } }]);
  });
});
