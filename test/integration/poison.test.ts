import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentDefinitions } from '../../agents/registry.js';
import { Subjects, endpointSubject, type CleanBatch, type DlqEntry, type Heartbeat } from '../../runtime/contracts/index.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 9's "inputs that cannot poison" reproductions, each on the real fleet: a message that
 * made an agent deaf, a watermark that wedged or skipped a clock. Each must now land in the DLQ
 * (bounded) and leave the agent answering and processing.
 */

const T0 = 1_700_000_000_000;

async function health(nc: NatsConnection, kind: string): Promise<Heartbeat> {
  return (await nc.request(endpointSubject(kind, `${kind}-1`, 'health'), '', { timeout: 3000 })).json<Heartbeat>();
}

/** The filter still turns a valid raw batch into a clean one. */
async function filterStillWorks(nc: NatsConnection, service: string): Promise<void> {
  const clean: unknown[] = [];
  const sub = nc.subscribe(Subjects.clean.subject('0'), { callback: (_e, m) => { if (m.json<CleanBatch>().services.includes(service)) clean.push(m.json()); } });
  nc.publish(Subjects.raw.subject('0'), JSON.stringify({
    services: [service], instances: ['i-1'], metrics: ['cpu'], units: ['ratio'], service: [0], instance: [0], metric: [0], value: [0.5], ts: [T0],
  }));
  await waitFor(`a clean batch for ${service}`, () => clean.length > 0, 10_000);
  sub.unsubscribe();
}

describe('poison: no input makes an agent deaf, wedged or skipped', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let nc: NatsConnection;
  const dlq: DlqEntry[] = [];
  beforeAll(async () => {
    ({ fleet, nc } = shared);
    nc.subscribe(Subjects.dlq.filter, { callback: (_e, m) => { dlq.push(m.json<DlqEntry>()); } });
    await nc.flush();
  });

  it('a batch with 50,000 problems (10,000 {} per column) gives one bounded DLQ entry and the filter keeps reading', async () => {
    const junk = Array.from({ length: 10_000 }, () => ({}));
    const payload = JSON.stringify({ services: ['api'], instances: [], metrics: [], units: [], service: junk, instance: junk, metric: junk, value: junk, ts: junk });
    nc.publish(Subjects.raw.subject('0'), payload);
    const entry = await waitFor('the DLQ entry of the huge batch', () => dlq.find((e) => e.agentId === 'filter-1' && e.subject === Subjects.raw.subject('0')));
    expect(JSON.stringify(entry).length).toBeLessThan(32 * 1024);
    expect(entry.problemsTotal).toBeGreaterThan(entry.errors.length);
    await filterStillWorks(nc, 'api');
  });

  it('a batch on another shard\'s subject is refused whole with the services named: it would reach a replica without their state', async () => {
    nc.publish(Subjects.raw.subject('1'), JSON.stringify({
      services: ['api'], instances: ['i-1'], metrics: ['cpu'], units: ['ratio'], service: [0], instance: [0], metric: [0], value: [0.5], ts: [T0],
    }));
    const entry = await waitFor('the DLQ entry of the stray batch', () => dlq.find((e) => e.agentId === 'filter-1' && e.subject === Subjects.raw.subject('1')));
    expect(entry.reason).toMatch(/service\(s\) api belong to another shard than '1' \(1 shard\(s\)\)/);
    await filterStillWorks(nc, 'api');
  });

  it('a watermark with 20,000 problems on every agent input: every agent stays healthy and reading', async () => {
    const junk = JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])));
    for (const def of agentDefinitions) nc.publish(Subjects.watermark.subject(def.kind, `${def.kind}-1`), junk);
    await nc.flush();
    for (const def of agentDefinitions) {
      if (def.clock === 'self') continue;
      await waitFor(`${def.kind}'s health`, async () => (await health(nc, def.kind)).status === 'healthy', 10_000);
    }
    await waitFor('a DLQ entry of the junk watermark', () => dlq.some((e) => e.subject.startsWith('vigil.watermark.') && (e.problemsTotal ?? 0) > 100));
    await filterStillWorks(nc, 'web');
  });

  it('ts 1e999 (Infinity after JSON.parse) is rejected at the boundary; the detector clock still moves', async () => {
    const wm = (ts: string) => `{"agentId":"filter-1","kind":"filter","ts":${ts},"run":""}`;
    nc.publish(Subjects.watermark.subject('filter', 'filter-1'), wm(String(T0)));
    await waitFor('the detector clock at T0', async () => (await health(nc, 'detector')).eventTs === T0);
    nc.publish(Subjects.watermark.subject('filter', 'filter-1'), wm('1e999'));
    await waitFor('the DLQ entry of the infinite watermark', () => dlq.find((e) => e.agentId === 'detector-1' && /1e999/.test(e.payload)));
    nc.publish(Subjects.watermark.subject('filter', 'filter-1'), wm(String(T0 + 10_000)));
    await waitFor('the detector clock past the infinite watermark', async () => (await health(nc, 'detector')).eventTs === T0 + 10_000);
  });

  it('a watermark far beyond the receiver clock (skew) is refused; the clock does not jump', async () => {
    const now = (await health(nc, 'detector')).eventTs;
    expect(now).toBeGreaterThan(0);
    const far = now + 30 * 24 * 3600_000;
    nc.publish(Subjects.watermark.subject('filter', 'filter-1'), JSON.stringify({ agentId: 'filter-1', kind: 'filter', ts: far, run: '' }));
    await waitFor('the DLQ entry of the far-future watermark', () => dlq.find((e) => e.agentId === 'detector-1' && e.payload.includes(String(far))));
    expect((await health(nc, 'detector')).eventTs).toBe(now);
  });

  it('a watermark whose body names another agent or kind than its subject is refused', async () => {
    const now = (await health(nc, 'detector')).eventTs;
    nc.publish(Subjects.watermark.subject('filter', 'filter-1'), JSON.stringify({ agentId: 'filter-7', kind: 'filter', ts: now + 5000, run: '' }));
    await waitFor('the DLQ entry of the mislabelled watermark', () => dlq.find((e) => e.agentId === 'detector-1' && /filter-7/.test(e.payload)));
    expect((await health(nc, 'detector')).eventTs).toBe(now);
  });

  it('fleet stays whole: vigil ps lists every agent healthy', async () => {
    const rows = await fleet.rows();
    expect(rows.filter((r) => r.status === 'healthy')).toHaveLength(agentDefinitions.length);
  });
});
