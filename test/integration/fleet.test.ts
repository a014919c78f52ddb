import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentDefinitions } from '../../agents/registry.js';
import { Buckets, Subjects, agentKey, type DlqEntry } from '../../runtime/contracts/index.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { REPO_ROOT } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

const KINDS = agentDefinitions.map((d) => d.kind);

/** Sends a $SRV request and gathers every reply that arrives within `ms`. */
async function gather(nc: NatsConnection, subject: string, until: (replies: unknown[]) => boolean): Promise<unknown[]> {
  const replies: unknown[] = [];
  const inbox = `_INBOX.test.${Math.random().toString(36).slice(2)}`;
  const sub = nc.subscribe(inbox, { callback: (_e, m) => { replies.push(m.json()); } });
  nc.publish(subject, '', { reply: inbox });
  await waitFor(`replies to ${subject}`, () => until(replies), 5000);
  sub.unsubscribe();
  return replies;
}

function microSchema(name: string): object {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'micro', `${name}_response.json`), 'utf8')) as object;
}

describe('fleet: nine agent processes on a real nats-server', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  beforeAll(() => { ({ fleet, nc } = shared); });

  it('vigil ps: every agent is listed healthy with its pid', async () => {
    const { code, stdout } = await fleet.cli('ps', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { kind: string; status: string; pid: number }[];
    expect(rows.map((r) => r.kind).sort()).toEqual([...KINDS].sort());
    for (const r of rows) {
      expect(r.status).toBe('healthy');
      expect(r.pid).toBeGreaterThan(0);
    }
  });

  it('$SRV.PING, INFO and STATS: all nine agents answer and the replies pass the official micro schemas', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const nine = (rs: unknown[]) => new Set(rs.map((r) => (r as { name: string }).name)).size >= KINDS.length;
    for (const verb of ['PING', 'INFO', 'STATS'] as const) {
      const replies = await gather(nc, `$SRV.${verb}`, nine);
      const validate = ajv.compile(microSchema(verb.toLowerCase()));
      for (const reply of replies) expect(validate(reply), `${verb} ${JSON.stringify(reply)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(new Set(replies.map((r) => (r as { name: string }).name))).toEqual(new Set(KINDS.map((k) => `vigil-${k}`)));
    }
  });

  it('vigil directive set-threshold: every detector acknowledges; the value shows in inspect and in KV', async () => {
    const res = await fleet.cli('directive', 'set-threshold', '--to', 'detector', '--metric', 'cpu', '--yellow', '75', '--red', '92', '--json');
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { addressed: string[]; acks: { agentId: string; status: string }[]; missing: string[] };
    expect(report.addressed).toEqual(['detector-1']);
    expect(report.acks.map((a) => [a.agentId, a.status])).toEqual([['detector-1', 'applied']]);
    expect(report.missing).toEqual([]);

    const inspect = await fleet.cli('inspect', 'detector', '--json');
    expect(inspect.code).toBe(0);
    const [detector] = JSON.parse(inspect.stdout) as { state: { rules: Record<string, { yellow: number; red: number }> } }[];
    expect(detector.state.rules.cpu).toMatchObject({ yellow: 75, red: 92 });

    const kv = await new Kvm(nc).open(Buckets.config);
    const stored = (await kv.get(agentKey('detector', 'detector-1')))!.json<{ rules: Record<string, { yellow: number; red: number }> }>();
    expect(stored.rules.cpu).toMatchObject({ yellow: 75, red: 92 });
  });

  it('vigil directive set-sensitivity: the detector operating point changes live', async () => {
    const before = JSON.parse((await fleet.cli('inspect', 'detector', '--json')).stdout)[0].state as { sensitivity: number; scoreThreshold: number };
    const res = await fleet.cli('directive', 'set-sensitivity', '--to', 'detector', '--sensitivity', '0.9', '--json');
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const after = JSON.parse((await fleet.cli('inspect', 'detector', '--json')).stdout)[0].state as { sensitivity: number; scoreThreshold: number };
    expect(after.sensitivity).toBe(0.9);
    expect(after.scoreThreshold).toBeLessThan(before.scoreThreshold);
    expect((await fleet.cli('directive', 'set-sensitivity', '--to', 'detector', '--sensitivity', String(before.sensitivity))).code).toBe(0);
  });

  it('vigil directive: an invalid parameter is rejected by the agent and the command fails', async () => {
    const res = await fleet.cli('directive', 'set-sensitivity', '--to', 'detector', '--sensitivity', '3');
    expect(res.code).not.toBe(0);
    expect(res.stdout).toMatch(/rejected/);
  });

  it('vigil directive set-policy on the scaling policy: the orchestrator applies it and passes it on to the predictor, which plans with it', async () => {
    const demandOf = async (): Promise<{ learnWeight: number }> =>
      (JSON.parse((await fleet.cli('inspect', 'predictor', '--json')).stdout) as { state: { scalingDemand: { learnWeight: number } } }[])[0].state.scalingDemand;
    const before = (await demandOf()).learnWeight;
    const set = (v: number) => fleet.cli('directive', 'set-policy', '--to', 'orchestrator', '--path', 'scaling.demand.learnWeight', '--value', String(v), '--json');
    const res = await set(0.55);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    await waitFor('the predictor planning with learnWeight 0.55', async () => (await demandOf()).learnWeight === 0.55, 20_000);
    expect((await set(before)).code).toBe(0);
    await waitFor(`the predictor back at learnWeight ${before}`, async () => (await demandOf()).learnWeight === before, 20_000);
  });

  it('DLQ: a malformed message on any agent input lands in its DLQ with the reason; the next valid one is processed', async () => {
    const dlq: DlqEntry[] = [];
    const sub = nc.subscribe(Subjects.dlq.filter, { callback: (_e, m) => { dlq.push(m.json<DlqEntry>()); } });
    for (const def of agentDefinitions) {
      for (const input of def.consumes) {
        const subject = input.params.length === 0 ? input.subject() : input.subject(...input.params.map(() => 'api'));
        nc.publish(subject, '{"not": "a valid message"');
        nc.publish(subject, JSON.stringify({ bogus: true }));
      }
    }
    await nc.flush();
    for (const def of agentDefinitions) {
      const mine = await waitFor(`DLQ entries of ${def.kind}-1`, () => {
        const m = dlq.filter((e) => e.agentId === `${def.kind}-1`);
        return m.length >= def.consumes.length * 2 ? m : undefined;
      });
      expect(mine.some((e) => e.reason === 'invalid JSON')).toBe(true);
      expect(mine.some((e) => /does not match/.test(e.reason) && e.errors.length > 0)).toBe(true);
    }
    sub.unsubscribe();
    // The filter keeps going: a valid batch comes out clean.
    const clean: unknown[] = [];
    const cleanSub = nc.subscribe(Subjects.clean.subject('0'), { callback: (_e, m) => { clean.push(m.json()); } });
    nc.publish(Subjects.raw.subject('0'), JSON.stringify({
      services: ['api'], instances: ['i-1'], metrics: ['cpu'], units: ['ratio'], service: [0], instance: [0], metric: [0], value: [0.5], ts: [1_700_000_000_000],
    }));
    await waitFor('a clean batch after the bad ones', () => clean.length > 0);
    expect(clean[0]).toMatchObject({ services: ['api'], metrics: ['cpu'], value: [50] });
    cleanSub.unsubscribe();
  });

  it('supervisor: kill -9 of any agent, it is restarted and healthy again within 5 seconds', async () => {
    for (const kind of KINDS) {
      const before = (await fleet.rows()).find((r) => r.agentId === `${kind}-1`)!;
      const killedAt = Date.now();
      process.kill(before.pid, 'SIGKILL');
      const after = await waitFor(`${kind}-1 back healthy`, async () => {
        const row = (await fleet.rows()).find((r) => r.agentId === `${kind}-1`);
        return row && row.pid !== before.pid && row.status === 'healthy' && row.lastHeartbeat > killedAt ? row : undefined;
      }, 5000, 100);
      expect(after.pid).not.toBe(before.pid);
      expect(Date.now() - killedAt).toBeLessThan(5000);
    }
  }, 60_000);
});
