import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Buckets, Subjects, alertKey, type Alert, type AlertRecord, type Incident } from '../../runtime/contracts/index.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

const T = Math.floor(Date.now() / 60_000) * 60_000;
const S = 1000;

const alert = (metric: string, ts: number): Alert => ({
  id: `api:api-1:${metric}:threshold:${ts}`, service: 'api', instance: 'api-1', metric, level: 'red', rule: 'threshold',
  value: 99, threshold: 90, since: ts, ts,
});

const incident = (id: string, status: Incident['status'], over: Partial<Incident> = {}): Incident => ({
  id, service: 'api', status, services: ['api'], alertIds: [], metrics: [], rootCause: { service: 'api', metric: 'cpu', reason: 'test' },
  candidates: [{ service: 'api', score: 1 }], pattern: 'single', severity: 'red', score: 0.9, confidence: 0.9, openedAt: T, revision: ++incidentRevisions, ts: T + 20 * S, ...over,
});

/**
 * The alert lifecycle of seed 002 §3.1 on a real fleet: alerts published as a detector would,
 * event time moved by watermarks as the filter and detector would, incidents as the correlator
 * would; the operator drives every transition with `vigil alert`.
 */
describe('vigil alert: every lifecycle state on a real fleet', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  const moves = new Map<string, string[]>();
  beforeAll(async () => {
    ({ fleet, nc } = shared);
    nc.subscribe(Subjects.alertState.filter, {
      callback: (_e, m) => {
        const r = m.json<AlertRecord>();
        moves.set(r.id, [...(moves.get(r.id) ?? []), r.status]);
      },
    });
    const cfg = await fleet.cli('directive', 'set-config', '--to', 'aggregator', '--patch', '{"alertCloseAfterS": 60}');
    expect(cfg.code, cfg.stdout + cfg.stderr).toBe(0);
  });
  const eventTime = async (ts: number): Promise<void> => {
    // every upstream of the aggregator: the collector publishes alerts too (Alertmanager receiver)
    for (const kind of ['collector', 'filter', 'detector']) nc.publish(Subjects.watermark.subject(kind, `${kind}-1`), JSON.stringify({ agentId: `${kind}-1`, kind, ts, run: '' }));
    await nc.flush();
  };
  const publish = async (def: typeof Subjects.alert | typeof Subjects.incident, value: Alert | Incident): Promise<void> => {
    nc.publish(def.subject('api'), JSON.stringify(value));
    await nc.flush();
  };
  const statusOf = async (id: string): Promise<string | undefined> => {
    const ls = await fleet.cli('alert', 'ls', '--all', '--json');
    return (JSON.parse(ls.stdout) as { alerts: AlertRecord[] }).alerts.find((a) => a.id === id)?.status;
  };
  const until = (id: string, status: string) => waitFor(`${id} ${status}`, async () => (await statusOf(id)) === status, 20_000, 200);
  const cli = async (...args: string[]) => {
    const r = await fleet.cli(...args);
    expect(r.code, `vigil ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it('vigil alert: active → correlated → acknowledged → resolved → closed; and suppressed by a silence that ends with its incident, false_positive → closed', async () => {
    const cpu = alert('cpu', T);
    const latency = alert('latency_ms', T);
    await publish(Subjects.alert, cpu);
    await publish(Subjects.alert, latency);
    await eventTime(T + 10 * S);
    await until(cpu.id, 'active').catch(() => until(cpu.id, 'correlated'));
    // the correlator (or, here, an incident like its) groups the cpu alert
    await publish(Subjects.incident, incident('inc-cpu-test', 'open', { alertIds: [cpu.id], metrics: ['api.cpu'] }));
    await until(cpu.id, 'correlated');

    expect(JSON.parse(await cli('alert', 'ack', cpu.id, '--by', 'alice', '--json'))).toMatchObject({ status: 'acknowledged', by: 'alice' });
    const again = await fleet.cli('alert', 'ack', cpu.id);
    expect(again.code, 'acknowledging an acknowledged alert is a refused operation').toBe(1);
    expect((await fleet.cli('alert', 'ack', 'api:nobody:cpu:threshold:1')).code).toBe(2);
    expect((await fleet.cli('alert', 'silence', 'inc-nobody')).code).toBe(2);

    await publish(Subjects.incident, incident('inc-silence-test', 'open'));
    await waitFor('the aggregator to hear of inc-silence-test', async () => (await fleet.cli('alert', 'silence', 'inc-silence-test', '--metric', 'latency_ms')).code === 0, 20_000, 200);
    await until(latency.id, 'suppressed');
    expect((JSON.parse(await cli('alert', 'ls', '--json')) as { silences: { incidentId: string }[] }).silences).toEqual([expect.objectContaining({ incidentId: 'inc-silence-test' })]);

    expect(JSON.parse(await cli('alert', 'resolve', cpu.id.replace(/:/g, '.'), '--json'))).toMatchObject({ status: 'resolved' });
    await publish(Subjects.incident, incident('inc-silence-test', 'resolved', { ts: T + 30 * S }));
    await until(latency.id, 'active');
    expect((JSON.parse(await cli('alert', 'ls', '--json')) as { silences: unknown[] }).silences).toEqual([]);
    expect(JSON.parse(await cli('alert', 'false-positive', latency.id, '--note', 'load test', '--json'))).toMatchObject({ status: 'false_positive', note: 'load test' });

    await eventTime(T + 2 * 60 * S); // both past their 60 s close deadline
    await until(cpu.id, 'closed');
    await until(latency.id, 'closed');
    expect(moves.get(cpu.id)).toEqual(['active', 'correlated', 'acknowledged', 'resolved', 'closed']);
    expect(moves.get(latency.id)!.filter((s) => s !== 'correlated')).toEqual(['active', 'suppressed', 'active', 'false_positive', 'closed']);
    const kv = await new Kvm(nc).open(Buckets.alerts);
    expect((await kv.get(alertKey(cpu.id)))!.json<AlertRecord>()).toMatchObject({ status: 'closed', event: 'close', incidentId: expect.any(String) });
    expect((await fleet.cli('alert', 'ls', '--status', 'closed')).stdout).toContain(cpu.id);
  }, 180_000);

  it('vigil alert false-positive: feeds the analyst; a second one on the series gives a threshold-tuning recommendation', async () => {
    const again = alert('latency_ms', T + 3 * 60 * S);
    await publish(Subjects.alert, again);
    await eventTime(T + 3 * 60 * S + 10 * S);
    await waitFor('the second latency alert', async () => ['active', 'correlated'].includes((await statusOf(again.id)) ?? ''), 20_000, 200);
    await cli('alert', 'false-positive', again.id);
    const rec = await waitFor('a recommendation from the analyst', async () => {
      const [analyst] = JSON.parse(await cli('inspect', 'analyst', '--json')) as { state: { recommendations: { service: string; metric: string; markedFalsePositives: number; suggestion: string }[] } }[];
      return analyst.state.recommendations.find((r) => r.service === 'api' && r.metric === 'latency_ms');
    }, 20_000, 300);
    expect(rec.markedFalsePositives).toBe(2);
    expect(rec.suggestion).toMatch(/raise the latency_ms threshold of api/);
  }, 120_000);

  it("alert book: a simulated run starts empty, with the detector's real alerts of the run, none of before", async () => {
    const run = await fleet.cli('sim', 'run', 'cpu-spike', '--json', '--quiet', '--stall-timeout', '60000');
    expect(run.code, run.stderr).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const { alerts } = JSON.parse(await cli('alert', 'ls', '--all', '--json')) as { alerts: AlertRecord[] };
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.run).toBe(runId);
    const kv = await new Kvm(nc).open(Buckets.alerts);
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    expect(keys.sort()).toEqual(alerts.map((a) => alertKey(a.id)).sort());
  }, 120_000);
});
