import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKind } from '../../agents/wiring.js';
import { startAgent, type RunningAgent } from '../../runtime/host/start-agent.js';
import { createLogger } from '../../runtime/log.js';
import type { NatsConnection } from '../../runtime/nats/connect.js';
import { startTestNats, type TestNats } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * An agent process turns the optimising compiler on when it first has work (runtime/agent-process.ts):
 * startAgent's onFirstEpoch runs once, when event time first moves, and never while the agent only
 * starts and beats its heartbeat.
 */
describe('onFirstEpoch: once, when event time first moves', () => {
  let nats: TestNats;
  let operator: NatsConnection;
  let collector: NatsConnection;
  let agent: RunningAgent;
  let calls = 0;
  let heartbeats = 0;
  const watermarks: number[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    operator = await nats.connect('operator');
    collector = await nats.connect('collector');
    operator.subscribe('vigil.heartbeat.filter.filter-t', { callback: () => { heartbeats++; } });
    operator.subscribe('vigil.watermark.filter.filter-t', { callback: (_e, m) => { watermarks.push((m.json() as { ts: number }).ts); } });
    await operator.flush();
    const { def } = await loadKind('filter');
    agent = await startAgent(def, {
      agentId: 'filter-t', log: createLogger({ test: 'first-epoch' }, 'warn'), upstreamKinds: ['collector'], metrics: false, heartbeatMs: 100,
      nats: { url: nats.url, user: 'filter', password: nats.creds.filter },
      onFirstEpoch: () => { calls++; },
    });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await collector?.close();
    await operator?.close();
    await nats?.stop();
  }, 30_000);

  const watermark = (ts: number): void => {
    collector.publish('vigil.watermark.collector.collector-t', JSON.stringify({ agentId: 'collector-t', kind: 'collector', ts, run: '' }));
  };
  const announced = (ts: number) => () => watermarks.includes(ts);

  it('is not called while the agent only starts and beats', async () => {
    await waitFor('two heartbeats of filter-t', () => heartbeats >= 2, 20_000);
    expect(calls).toBe(0);
  });

  it('is called at the first watermark that moves the clock, and only then', async () => {
    const t0 = Date.UTC(2026, 0, 5);
    watermark(t0);
    await waitFor('filter-t follows the first watermark', announced(t0), 20_000);
    expect(calls).toBe(1);
    watermark(t0 + 10_000);
    await waitFor('filter-t follows the second watermark', announced(t0 + 10_000), 20_000);
    expect(calls).toBe(1);
  });
});
