import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentDefinitions, upstreamKinds } from '../../agents/registry.js';
import { Subjects, check, endpointSubject, findNonFinite, toleratesNonFinite, type DlqEntry, type Heartbeat, type SubjectDef } from '../../runtime/contracts/index.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 9's fuzz test: fast-check generates hostile payloads (arbitrary JSON, prototype keys,
 * numbers that overflow to Infinity, deep nesting, long strings, bytes that are not UTF-8 JSON,
 * near-valid watermarks and batches) and publishes each on every input subject of every agent
 * of a real fleet. Every one must go to the DLQ (one entry per consuming agent), nothing may
 * come out on a data subject, every agent keeps answering health with bounded memory, and the
 * fleet still takes the same decisions afterwards. VIGIL_FUZZ_RUNS sets the number of payloads
 * (default 10,000).
 */
const RUNS = Number(process.env.VIGIL_FUZZ_RUNS ?? 10_000);
const INF = '"__INF__"';
const encoder = new TextEncoder();

const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'service', 'ts', 'value', 'agentId', 'kind', 'run', 'samples', 'metric'), fc.string({ maxLength: 12 }));
const hostileLeaf = fc.oneof(
  fc.constant(INF), fc.constantFrom(-1, 0, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1),
  fc.constantFrom('', 'constructor', '__proto__', 'vigil.>', '*', '1e999', 'NaN', 'a'.repeat(5000)),
  fc.boolean(), fc.constant(null), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 })),
})).value;
/** A columnar batch with hostile fields. */
const nearBatch = fc.record({ services: fc.array(fc.oneof(fc.constantFrom('api', '__proto__'), hostileLeaf), { maxLength: 3 }), service: fc.array(hostileLeaf, { maxLength: 3 }), instances: fc.array(hostileLeaf, { maxLength: 3 }), metrics: fc.array(hostileLeaf, { maxLength: 3 }), instance: fc.array(hostileLeaf, { maxLength: 3 }), metric: fc.array(hostileLeaf, { maxLength: 3 }), value: fc.array(hostileLeaf, { maxLength: 3 }), ts: fc.array(hostileLeaf, { maxLength: 3 }) });
/** Near-valid shapes: a watermark, a columnar batch, a tick of batches, with hostile fields. */
const nearValid = fc.oneof(
  fc.record({ agentId: fc.oneof(fc.constant('filter-1'), hostileLeaf), kind: fc.oneof(fc.constantFrom('filter', 'collector', 'sim'), hostileLeaf), ts: hostileLeaf, run: fc.oneof(fc.constant(''), hostileLeaf) }),
  nearBatch,
  fc.record({ runId: hostileLeaf, ts: hostileLeaf, batches: fc.array(nearBatch, { maxLength: 2 }) }),
);
/** The bytes of one hostile message. */
const payload = fc.oneof(
  hostileValue.map((v) => JSON.stringify(v).replaceAll(INF, '1e999')),
  nearValid.map((v) => JSON.stringify(v).replaceAll(INF, '1e999')),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.integer({ min: 1, max: 60 }).map((d) => `${'['.repeat(d * 50)}${']'.repeat(d * 50)}`),
).map((p) => (typeof p === 'string' ? encoder.encode(p) : p));

/** Every input subject of every agent (concrete, one token value), with the agents that consume it. */
function inputs(): { subject: string; def: SubjectDef; consumers: string[] }[] {
  const out = new Map<string, { subject: string; def: SubjectDef; consumers: string[] }>();
  const add = (def: SubjectDef, subject: string, agentId: string): void => {
    const e = out.get(subject) ?? { subject, def, consumers: [] };
    e.consumers.push(agentId);
    out.set(subject, e);
  };
  for (const d of agentDefinitions) {
    for (const s of d.consumes) add(s, s.params.length === 0 ? s.subject() : s.subject(...s.params.map(() => 'fz')), `${d.kind}-1`);
    for (const k of upstreamKinds(d)) add(Subjects.watermark, Subjects.watermark.subject(k, `${k}-1`), `${d.kind}-1`);
  }
  return [...out.values()];
}

/** Would the bus refuse these bytes on this subject? (the test only sends what it must refuse) */
function refused(def: SubjectDef, bytes: Uint8Array): boolean {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder().decode(bytes);
    value = JSON.parse(text);
  } catch {
    return true;
  }
  if (!toleratesNonFinite(def.schema) && findNonFinite(value) !== null) return true;
  return !check(def.schema, value).ok;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

describe(`fuzz: ${RUNS} hostile payloads on every input of every agent`, () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  beforeAll(() => { ({ fleet, nc } = shared); });

  it('fuzz: everything lands in the DLQ, nothing comes out, every agent answers with bounded memory, the same decisions after', async () => {
    const before = await fleet.cli('sim', 'run', 'cpu-spike', '--json');
    expect(before.code, before.stderr).toBe(0);
    const rows = await fleet.rows();
    const rss0 = new Map(rows.map((r) => [r.agentId, rssKb(r.pid)]));

    const dlq = new Map<string, number>();
    let biggestDlq = 0;
    const dlqSub = nc.subscribe(Subjects.dlq.filter, { callback: (_e, m) => {
      biggestDlq = Math.max(biggestDlq, m.data.length);
      const e = m.json<DlqEntry>();
      dlq.set(e.agentId, (dlq.get(e.agentId) ?? 0) + 1);
    } });
    const outputs: string[] = [];
    const outSubs = [Subjects.clean, Subjects.alert, Subjects.agg, Subjects.incident, Subjects.forecast, Subjects.impact, Subjects.action, Subjects.raw]
      .map((s) => nc.subscribe(s.filter, { callback: (_e, m) => { if (!m.subject.endsWith('.fz')) outputs.push(m.subject); } }));
    await nc.flush();

    const targets = inputs();
    const expected = new Map<string, number>();
    const samples = fc.sample(payload, { numRuns: RUNS, seed: 9 });
    let sent = 0;
    for (let i = 0; i < samples.length; i++) {
      const t = targets[i % targets.length];
      if (!refused(t.def, samples[i])) continue; // a valid message is no attack on validation
      nc.publish(t.subject, samples[i]);
      sent++;
      for (const id of t.consumers) expected.set(id, (expected.get(id) ?? 0) + 1);
      if (i % 200 === 199) await nc.flush();
    }
    await nc.flush();
    expect(sent).toBeGreaterThan(RUNS * 0.95);
    for (const [agentId, n] of expected) {
      await waitFor(`${n} DLQ entries of ${agentId}`, () => (dlq.get(agentId) ?? 0) >= n, 120_000, 200);
    }
    dlqSub.unsubscribe();
    for (const s of outSubs) s.unsubscribe();
    expect(outputs).toEqual([]);
    expect(biggestDlq).toBeLessThan(32 * 1024);

    for (const d of agentDefinitions) {
      const hb = (await nc.request(endpointSubject(d.kind, `${d.kind}-1`, 'health'), '', { timeout: 5000 })).json<Heartbeat>();
      expect(hb.status, d.kind).toBe('healthy');
    }
    for (const r of await fleet.rows()) {
      expect(r.status, r.agentId).toBe('healthy');
      expect(rssKb(r.pid) - (rss0.get(r.agentId) ?? 0), `${r.agentId} RSS growth (KiB)`).toBeLessThan(150 * 1024);
    }
    const after = await fleet.cli('sim', 'run', 'cpu-spike', '--json');
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).actions).toEqual(JSON.parse(before.stdout).actions);
  }, 600_000);
});
