import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { runThroughFleet } from '../../sim/fleet-runner.js';
import { scenariosDir } from '../../sim/scenario-loader.js';
import { parseScenario } from '../../sim/world.js';
import { currentLeader } from '../../runtime/nats/leader.js';
import { useTestFleet } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/** Issue 9: a service named like an Object.prototype member broke remediation (per-service data in plain objects). */
const RENAMES: Record<string, string> = { gateway: 'toString', api: 'constructor', db: '__proto__' };

/** The scenario document with every string naming a service replaced. */
function renamed(doc: unknown): unknown {
  if (typeof doc === 'string') return Object.hasOwn(RENAMES, doc) ? RENAMES[doc] : doc;
  if (Array.isArray(doc)) return doc.map(renamed);
  if (doc && typeof doc === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(doc)) out[k] = renamed(v);
    return out;
  }
  return doc;
}

describe('hostile service names: constructor, toString, __proto__', () => {
  const shared = useTestFleet();
  let nc: NatsConnection;
  beforeAll(() => { ({ nc } = shared); });

  it('bad-deploy with its services renamed takes the same actions (rollback of the api, renamed)', async () => {
    await waitFor('an orchestrator holding the lease', async () => (await currentLeader(nc)) !== null, 30_000, 200);
    const doc = JSON.parse(readFileSync(join(scenariosDir(), 'bad-deploy.json'), 'utf8')) as unknown;
    const plain = await runThroughFleet(nc, parseScenario(doc, 'bad-deploy'));
    const hostile = await runThroughFleet(nc, parseScenario(renamed(doc), 'bad-deploy (renamed)'));
    const actions = (r: typeof plain) => r.report.actions.map((a) => `${a.type} ${a.service} ${a.t}`);
    expect(actions(plain).some((a) => a.startsWith('rollback-deploy api'))).toBe(true);
    expect(actions(hostile)).toEqual(actions(plain).map((a) => a.replace(/ (gateway|api|db) /, (_m, s: string) => ` ${RENAMES[s]} `)));
    expect(hostile.report.sloViolationMinutes).toBe(plain.report.sloViolationMinutes);
  }, 180_000);
});
