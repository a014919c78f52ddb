import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects } from '../../runtime/contracts/index.js';
import { startTestNats, type TestNats } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

/** Publishes as `role` and resolves with the server's permission error, if any. */
async function publishAs(nats: TestNats, role: 'detector' | 'collector' | 'orchestrator', subject: string): Promise<string | null> {
  const nc = await nats.connect(role);
  const errors: string[] = [];
  void (async () => { for await (const s of nc.status()) if (s.type === 'error') errors.push(String(s.error)); })();
  nc.publish(subject, JSON.stringify({}));
  await nc.flush();
  // The server answers a violation with -ERR right after the PUB; a ping round trip orders it.
  await nc.rtt();
  await nc.close();
  return errors.find((e) => /permission/i.test(e)) ?? null;
}

describe('nats.conf: least-privilege permissions', () => {
  let nats: TestNats;
  beforeAll(async () => { nats = await startTestNats(); });
  afterAll(async () => { await nats.stop(); });

  it('nats.conf: a base agent cannot publish a directive or an action', async () => {
    const operator = await nats.connect('operator');
    const received: string[] = [];
    const sub = operator.subscribe('vigil.>', { callback: (_e, m) => { received.push(m.subject); } });
    await operator.flush();
    const directive = Subjects.directive.subject('base', 'detector', 'all');
    const action = Subjects.action.subject('api');
    expect(await publishAs(nats, 'detector', directive)).toMatch(/Permissions Violation for Publish/);
    expect(await publishAs(nats, 'collector', action)).toMatch(/Permissions Violation for Publish/);
    // The orchestrator may: its message arrives, and the base agents' never did.
    expect(await publishAs(nats, 'orchestrator', action)).toBeNull();
    await waitFor('the orchestrator action', () => received.includes(action));
    expect(received).not.toContain(directive);
    expect(received.filter((s) => s === action)).toHaveLength(1);
    sub.unsubscribe();
    await operator.close();
  });
});
