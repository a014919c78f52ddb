import { jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Buckets, Streams, Subjects, agentKey, endpointSubject } from '../../runtime/contracts/index.js';
import { readRegistry } from '../../runtime/nats/registry.js';
import { requestDirective } from '../../runtime/nats/directive-client.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 9's steering and silencing reproductions, tried as an attacker holding the collector's
 * password (the lowest role) against a running fleet: each must now be refused by the server
 * or ignored by the fleet.
 */

/** Resolves with the error of `fn`, or null when it succeeded. */
async function failure(fn: () => Promise<unknown>): Promise<string | null> {
  try { await fn(); return null; } catch (err) { return String(err); }
}

/** Subscribes as `nc` and resolves with the permission error the server answered, if any. */
async function subscribeRefused(nc: NatsConnection, subject: string, queue?: string): Promise<boolean> {
  const sub = nc.subscribe(subject, { queue });
  let refused = false;
  void sub.closed.then((err) => { if (err && /permission/i.test(String(err))) refused = true; });
  await nc.flush();
  await nc.rtt();
  await nc.rtt();
  return refused;
}

async function orchestratorConfig(nc: NatsConnection): Promise<{ dryRun: boolean }> {
  return (await nc.request(endpointSubject('orchestrator', 'orchestrator-1', 'config'), '', { timeout: 3000 })).json<{ dryRun: boolean }>();
}

describe('attacks as the collector: nothing steers, silences or stalls the fleet', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  let attacker: NatsConnection;
  beforeAll(async () => {
    ({ fleet, nc } = shared);
    attacker = await fleet.nats.connect('collector', 'attacker');
  });

  it('DLQ push consumer delivering a forged set-config to the orchestrator: refused, dryRun stays false', async () => {
    const forged = { directiveId: 'evil-1', type: 'set-config', params: { patch: { dryRun: true } }, issuedBy: 'ops', ts: Date.now() };
    attacker.publish(Subjects.dlq.subject('collector', 'collector-1'), JSON.stringify(forged));
    const jsm = await jetstreamManager(attacker, { checkAPI: false, timeout: 2000 });
    const err = await failure(() => jsm.consumers.add(Streams.dlq.name, {
      deliver_subject: Subjects.directive.subject('top', 'orchestrator', 'all'), ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All,
    }));
    expect(err).not.toBeNull();
    const list = await (await jetstreamManager(nc)).consumers.list(Streams.dlq.name).next();
    expect(list.filter((c) => c.config.deliver_subject)).toEqual([]);
    expect((await orchestratorConfig(nc)).dryRun).toBe(false);
  });

  it('KV writes to another kind: the orchestrator config, a phantom registry entry, the catalogue: refused', async () => {
    const kvm = new Kvm(attacker);
    const config = await kvm.open(Buckets.config, { allow_direct: true });
    expect(await failure(() => config.put(agentKey('orchestrator', 'orchestrator-1'), JSON.stringify({ dryRun: true })))).not.toBeNull();
    const registry = await kvm.open(Buckets.agents, { allow_direct: true });
    expect(await failure(() => registry.put(agentKey('orchestrator', 'orchestrator-9'), '{}'))).not.toBeNull();
    const catalog = await kvm.open(Buckets.catalog, { allow_direct: true });
    expect(await failure(() => catalog.put('api', '{}'))).not.toBeNull();
    expect((await orchestratorConfig(nc)).dryRun).toBe(false);
  });

  it('a registry entry under its own kind claiming another agent is left out of every listing', async () => {
    const registry = await new Kvm(attacker).open(Buckets.agents, { allow_direct: true });
    const now = Date.now();
    await registry.put(agentKey('collector', 'collector-9'), JSON.stringify({
      agentId: 'orchestrator-9', kind: 'orchestrator', tier: 'top', pid: 1, host: 'x', startedAt: now, lastHeartbeat: now, status: 'healthy', eventTs: 0, lagMs: 0,
    }));
    expect((await readRegistry(nc)).map((r) => r.agentId)).not.toContain('orchestrator-9');
  });

  it("joining the orchestrator's queue group, reading every inbox, deleting consumers: refused", async () => {
    expect(await subscribeRefused(attacker, 'vigil.svc.>')).toBe(true);
    expect(await subscribeRefused(attacker, endpointSubject('orchestrator', '*', 'directive'), 'vigil-orchestrator')).toBe(true);
    expect(await subscribeRefused(attacker, '_INBOX.>')).toBe(true);
    expect(await subscribeRefused(attacker, '_INBOX_operator.>')).toBe(true);
    const jsm = await jetstreamManager(attacker, { checkAPI: false, timeout: 2000 });
    expect(await failure(() => jsm.consumers.delete(`KV_${Buckets.catalog}`, 'any'))).not.toBeNull();
    // Eight directives, every one answered by the real orchestrator.
    for (let i = 0; i < 8; i++) {
      const report = await requestDirective(nc, {
        directive: { directiveId: `q-${i}`, type: 'set-config', params: { patch: {} }, issuedBy: 'test', ts: Date.now() },
        to: { tier: 'base', kind: 'filter', agentId: 'all' }, timeoutMs: 5000,
      });
      expect(report.acks.map((a) => a.agentId)).toEqual(['filter-1']);
    }
  });

  it("forged directive acks: refused on another kind's subject, ignored on its own", async () => {
    const id = 'forged-ack-1';
    const forged = JSON.stringify({ directiveId: id, agentId: 'detector-1', kind: 'detector', status: 'applied', detail: 'forged', ts: Date.now() });
    const errors: string[] = [];
    void (async () => { for await (const s of attacker.status()) if (s.type === 'error') errors.push(String(s.error)); })();
    const spam = setInterval(() => {
      attacker.publish(Subjects.ack.subject(id, 'detector'), forged);
      attacker.publish(Subjects.ack.subject(id, 'collector'), forged);
    }, 2);
    try {
      const report = await requestDirective(nc, {
        directive: { directiveId: id, type: 'set-config', params: { patch: {} }, issuedBy: 'test', ts: Date.now() },
        to: { tier: 'base', kind: 'detector', agentId: 'all' }, timeoutMs: 5000,
      });
      expect(report.acks).toHaveLength(1);
      expect(report.acks[0].detail).not.toBe('forged');
    } finally {
      clearInterval(spam);
    }
    await waitFor('the server refusing the ack on the detector subject', () => errors.some((e) => /Permissions Violation for Publish to "vigil\.ack\.forged-ack-1\.detector"/.test(e)));
  });

  it('watermarks of another kind: refused', async () => {
    const errors: string[] = [];
    const other = await fleet.nats.connect('detector', 'attacker-detector');
    void (async () => { for await (const s of other.status()) if (s.type === 'error') errors.push(String(s.error)); })();
    other.publish(Subjects.watermark.subject('filter', 'filter-1'), JSON.stringify({ agentId: 'filter-1', kind: 'filter', ts: 1, run: '' }));
    await other.flush();
    await waitFor('the refusal', () => errors.some((e) => /Permissions Violation for Publish to "vigil\.watermark\.filter\.filter-1"/.test(e)));
    await other.close();
  });
});
