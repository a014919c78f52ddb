import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, check, RegistryEntry, type AgentStatus } from '../contracts/index.js';

/** An agent as `vigil ps` shows it. */
export interface AgentRow extends RegistryEntry { heartbeatAgeMs: number }

/** Heartbeats older than this make an agent `down`. */
export const STALE_AFTER_MS = 3500;

/**
 * Reads the agent registry (KV bucket vigil-agents) and derives each agent's status: `down`
 * when it said so or its heartbeat is stale, otherwise what it reported.
 */
export async function readRegistry(nc: NatsConnection, now = Date.now()): Promise<AgentRow[]> {
  const kv = await new Kvm(nc).open(Buckets.agents);
  const rows = new Map<string, AgentRow>();
  // keys() may list a key twice when it is updated during the listing: keep one row per agent.
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') continue;
    const result = check(RegistryEntry, entry.json());
    if (!result.ok) continue;
    const age = Math.max(0, now - result.value.lastHeartbeat);
    const status: AgentStatus = result.value.status === 'down' || age > STALE_AFTER_MS ? 'down' : result.value.status;
    rows.set(result.value.agentId, { ...result.value, status, heartbeatAgeMs: age });
  }
  return [...rows.values()].sort((a, b) => a.agentId.localeCompare(b.agentId, 'en', { numeric: true }));
}
