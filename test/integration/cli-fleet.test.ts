import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { endpointSubject } from '../../runtime/contracts/index.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';

interface SimReport { incidents: { id: string }[] }

/** The CLI against a real fleet: exit codes for unknown ids, micro error counts, progress, run-unique ids. */
describe('vigil CLI on a real fleet', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  beforeAll(() => { ({ fleet, nc } = shared); });

  it('vigil CLI: an unknown id exits 2 in every command: audit, incident ack/resolve, inspect, directive --to, approve/deny', async () => {
    const audit = await fleet.cli('audit', 'inc-nobody-knows');
    expect(audit.code).toBe(2);
    expect(audit.stderr).toMatch(/no audit event for 'inc-nobody-knows'/);
    expect((await fleet.cli('incident', 'ack', 'inc-nobody-knows')).code).toBe(2);
    expect((await fleet.cli('incident', 'resolve', 'inc-nobody-knows')).code).toBe(2);
    expect((await fleet.cli('inspect', 'detector-9')).code).toBe(2);
    expect((await fleet.cli('directive', 'set-sensitivity', '--to', 'detector-9', '--sensitivity', '0.5')).code).toBe(2);
    expect((await fleet.cli('approve', 'act-nobody-knows')).code).toBe(2);
    expect((await fleet.cli('deny', 'act-nobody-knows')).code).toBe(2);
    expect((await fleet.cli('incident', 'ls')).code).toBe(0);
  });

  it('nats micro stats: a request the endpoint answers with an error is counted in num_errors and last_error', async () => {
    const reply = await nc.request(endpointSubject('detector', 'detector-1', 'state'), '{not json', { timeout: 5000 });
    expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('400');
    const stats = (await nc.request('$SRV.STATS.vigil-detector', '', { timeout: 5000 })).json<{ endpoints: { name: string; num_errors: number; last_error: string }[] }>();
    const state = stats.endpoints.find((e) => e.name === 'state')!;
    expect(state.num_errors).toBeGreaterThanOrEqual(1);
    expect(state.last_error).toMatch(/JSON/);
    expect(stats.endpoints.find((e) => e.name === 'health')!.num_errors).toBe(0);
  });

  it('vigil sim run, stderr not a terminal: progress lines every few seconds; two runs never share an incident id', async () => {
    // 240 ticks 40 ms apart: about 10 s, so at least two lines 5 s apart, then the final one.
    const first = await fleet.cli('sim', 'run', 'cpu-spike', '--json', '--tick-delay', '40', '--stall-timeout', '60000');
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stderr.split('\n').filter((l) => /^cpu-spike\s+\d\d:\d\d\/40:00\s+\d+%/.test(l));
    expect(lines.length, first.stderr).toBeGreaterThanOrEqual(3);
    expect(lines.at(-1)).toMatch(/40:00\/40:00\s+100%/);
    const second = await fleet.cli('sim', 'run', 'cpu-spike', '--json', '--quiet', '--stall-timeout', '60000');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr.trim()).toBe('');
    const ids = (r: { stdout: string }) => (JSON.parse(r.stdout) as SimReport).incidents.map((i) => i.id);
    expect(ids(first).length).toBeGreaterThan(0);
    for (const id of ids(first)) expect(ids(second)).not.toContain(id);
    // vigil audit on a first-run incident shows only that run's events
    const audit = await fleet.cli('audit', ids(first)[0], '--json');
    expect(audit.code, audit.stderr).toBe(0);
    const events = JSON.parse(audit.stdout) as { incidentId?: string }[];
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.incidentId).toBe(ids(first)[0]);
  }, 240_000);
});
