import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDefinitions, upstreamKinds } from '../../agents/registry.js';
import { ALL, Buckets, LEADER_LEASE_KEY, Subjects, type SubjectDef } from '../../runtime/contracts/index.js';
import type { AgentDefinition } from '../../runtime/host/define-agent.js';
import { inboxPrefix } from '../../runtime/security/permissions.js';
import type { Role } from '../../runtime/supervisor/credentials.js';
import { startTestNats, type TestNats } from '../helpers/nats-server.js';

/**
 * Issue 9's role x capability matrix: for every role, what it may publish, subscribe to, write
 * in KV and ask of the JetStream API, derived from the agent registry and the contracts (what
 * each kind consumes and produces, its place in the hierarchy), checked cell by cell against a
 * real nats-server running the committed nats.conf.
 */

interface Cell { what: string; subject: string; allowed: boolean }

const OTHER = (kind: string): string => (kind === 'detector' ? 'filter' : 'detector');
const sample = (def: SubjectDef, kind: string): string =>
  def.subject(...def.params.map((p) => (p === 'kind' ? kind : p === 'agentId' ? `${kind}-1` : p === 'tier' ? ALL : 'x1')));

/** Publish cells: every subject family, with the role's own kind and with another kind. */
function publishCells(def: AgentDefinition | null): Cell[] {
  const kind = def?.kind ?? 'operator';
  const own = new Set<SubjectDef>([Subjects.watermark, Subjects.heartbeat, Subjects.dlq, Subjects.ack]);
  const cells: Cell[] = [];
  for (const [name, s] of Object.entries(Subjects)) {
    const mine = def === null || def.produces.includes(s) || own.has(s);
    cells.push({ what: `publish ${name}`, subject: sample(s, def?.kind ?? 'collector'), allowed: mine });
    if (own.has(s)) cells.push({ what: `publish ${name} of another kind`, subject: sample(s, OTHER(kind)), allowed: def === null });
  }
  const kv = (bucket: string, key: string, allowed: boolean) => ({ what: `KV put ${bucket} ${key}`, subject: `$KV.${bucket}.${key}`, allowed });
  cells.push(
    kv(Buckets.config, `${kind}.${kind}-1`, true),
    kv(Buckets.config, `${OTHER(kind)}.${OTHER(kind)}-1`, def === null),
    kv(Buckets.agents, `${kind}.${kind}-1`, true),
    kv(Buckets.agents, `${OTHER(kind)}.phantom-1`, def === null),
    kv(Buckets.state, `${kind}.${kind}-1.x`, true),
    kv(Buckets.catalog, 'api', def === null),
    kv(Buckets.lease, LEADER_LEASE_KEY, def === null || def.kind === 'orchestrator'),
    kv(Buckets.snapshots, 'run-1', def === null || def.kind === 'orchestrator'),
    kv(Buckets.alerts, 'api.api-1.cpu.threshold.1', def === null || def.kind === 'aggregator'),
  );
  const api = (what: string, subject: string, allowed = def === null) => ({ what, subject, allowed });
  cells.push(
    api('create a consumer (push with any deliver subject)', '$JS.API.CONSUMER.CREATE.VIGIL_NOPE'),
    api('create a named consumer', '$JS.API.CONSUMER.CREATE.VIGIL_NOPE.c1.vigil.dlq.x'),
    api('create a durable consumer', '$JS.API.CONSUMER.DURABLE.CREATE.VIGIL_NOPE.c1'),
    api('delete a consumer', '$JS.API.CONSUMER.DELETE.VIGIL_NOPE.c1'),
    api('delete a stream', '$JS.API.STREAM.DELETE.VIGIL_NOPE'),
    api('create a stream', '$JS.API.STREAM.CREATE.VIGIL_NOPE'),
    api('purge a stream', '$JS.API.STREAM.PURGE.VIGIL_NOPE'),
    api('read the catalogue', `$JS.API.DIRECT.GET.KV_${Buckets.catalog}`, true),
    api('read the whole config bucket', `$JS.API.DIRECT.GET.KV_${Buckets.config}`, def === null),
    api('read the whole registry', `$JS.API.DIRECT.GET.KV_${Buckets.agents}`, def === null || def.kind === 'orchestrator'),
  );
  return cells;
}

/** Subscribe cells: every input family, the inputs of others, replies and endpoints of others. */
function subscribeCells(def: AgentDefinition | null): Cell[] {
  const kind = def?.kind ?? 'operator';
  const cells: Cell[] = [];
  for (const [name, s] of Object.entries(Subjects)) {
    const mine = def === null || def.consumes.includes(s) || (s === Subjects.ack && def.kind === 'orchestrator')
      || (s === Subjects.incident && def.kind === 'aggregator'); // the alert lifecycle hears incidents
    if (s === Subjects.watermark || s === Subjects.directive) continue;
    cells.push({ what: `subscribe ${name}`, subject: s.filter, allowed: mine });
  }
  const up = def ? upstreamKinds(def) : [];
  for (const k of agentDefinitions.map((d) => d.kind)) {
    cells.push({ what: `subscribe watermarks of ${k}`, subject: Subjects.watermark.match(k), allowed: def === null || up.includes(k) });
  }
  const tier = def?.tier ?? 'base';
  cells.push(
    { what: 'directives to its kind', subject: Subjects.directive.match(tier, kind), allowed: true },
    { what: 'directives to another kind', subject: Subjects.directive.match(tier, OTHER(kind)), allowed: def === null },
    { what: 'its own endpoints', subject: `vigil.svc.${kind}.>`, allowed: true },
    { what: "another kind's endpoints (queue-group impostor)", subject: `vigil.svc.${OTHER(kind)}.>`, allowed: def === null },
    { what: 'every endpoint', subject: 'vigil.svc.>', allowed: def === null },
    { what: 'its own inbox prefix', subject: `${inboxPrefix(kind)}.>`, allowed: true },
    { what: "everyone's replies", subject: '_INBOX.>', allowed: def === null },
    { what: "another role's replies", subject: `${inboxPrefix(OTHER(kind))}.>`, allowed: def === null },
    { what: 'everything', subject: '>', allowed: def === null },
  );
  return cells;
}

/** Publishes every cell as `role` and returns the subjects the server refused. */
async function refusedPublishes(nc: NatsConnection, cells: Cell[]): Promise<Set<string>> {
  const refused = new Set<string>();
  const done = (async () => {
    for await (const s of nc.status()) {
      const m = /Permissions Violation for Publish to "([^"]+)"/i.exec(String((s as { error?: unknown }).error ?? ''));
      if (m) refused.add(m[1]);
    }
  })();
  for (const c of cells) nc.publish(c.subject, '{}');
  await nc.flush();
  await nc.rtt();
  void done;
  return refused;
}

async function refusedSubscriptions(nc: NatsConnection, cells: Cell[]): Promise<Set<string>> {
  const refused = new Set<string>();
  for (const c of cells) {
    const sub = nc.subscribe(c.subject);
    void sub.closed.then((err) => { if (err && /permission/i.test(String(err))) refused.add(c.subject); });
  }
  await nc.flush();
  await nc.rtt();
  await nc.rtt();
  return refused;
}

describe('permissions: the role x capability matrix from the registry, on a real nats-server', () => {
  let nats: TestNats;
  beforeAll(async () => { nats = await startTestNats(); });
  afterAll(async () => { await nats.stop(); });

  const roles: (AgentDefinition | null)[] = [...agentDefinitions, null];
  for (const def of roles) {
    const role = (def?.kind ?? 'operator') as Role;
    it(`permissions matrix: ${role}`, async () => {
      const pub = publishCells(def);
      const sub = subscribeCells(def);
      const nc = await nats.connect(role);
      const refusedPub = await refusedPublishes(nc, pub);
      const refusedSub = await refusedSubscriptions(nc, sub);
      await nc.close();
      const wrong = [
        ...pub.filter((c) => c.allowed === refusedPub.has(c.subject)).map((c) => `${c.what} (${c.subject}): expected ${c.allowed ? 'allowed' : 'denied'}`),
        ...sub.filter((c) => c.allowed === refusedSub.has(c.subject)).map((c) => `${c.what} (${c.subject}): expected ${c.allowed ? 'allowed' : 'denied'}`),
      ];
      expect(wrong, `${role}:\n${wrong.join('\n')}`).toEqual([]);
      expect(pub.length + sub.length).toBeGreaterThan(50);
    });
  }
});
