import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, LEADER_LEASE_KEY, endpointSubject } from '../contracts/index.js';
import type { LeaseRecord } from '../host/lease.js';

/** The agent id of the orchestrator holding the leader lease, or null when none holds it. */
export async function currentLeader(nc: NatsConnection, now = Date.now()): Promise<string | null> {
  const kv = await new Kvm(nc).open(Buckets.lease);
  const entry = await kv.get(LEADER_LEASE_KEY);
  if (!entry || entry.operation !== 'PUT') return null;
  const lease = entry.json<LeaseRecord>();
  return lease.expiresAt > now ? lease.holder : null;
}

/** Subject of an endpoint of the leading orchestrator; throws when no orchestrator leads. */
export async function leaderEndpoint(nc: NatsConnection, endpoint: string): Promise<string> {
  const leader = await currentLeader(nc);
  if (!leader) throw new Error("no orchestrator holds the leader lease: is the fleet up? ('vigil ps')");
  return endpointSubject('orchestrator', leader, endpoint);
}
