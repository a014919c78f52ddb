import type { NatsConnection } from '@nats-io/transport-node';
import { readBucket } from './kv-scan.js';
import { Buckets, agentKey, check, RegistryEntry, type AgentStatus } from '../contracts/index.js';

/** An agent as `vigil ps` shows it. */
export interface AgentRow extends RegistryEntry { heartbeatAgeMs: number }

const decoder = new TextDecoder();
/** Registry entries that were not JSON or not the contract, left out of every listing so far. */
let skipped = 0;
export function skippedRegistryEntries(): number { return skipped; }

/** Heartbeats older than this make an agent `down`. */
export const STALE_AFTER_MS = 3500;

/**
 * Reads the agent registry (KV bucket vigil-agents) and derives each agent's status: `down`
 * when it said so or its heartbeat is stale, otherwise what it reported.
 */
export async function readRegistry(nc: NatsConnection, now = Date.now()): Promise<AgentRow[]> {
  const rows = new Map<string, AgentRow>();
  // Direct gets, no consumer (agent roles have no consumer API); one row per agent.
  for (const [key, data] of await readBucket(nc, Buckets.agents)) {
    let body: unknown;
    try { body = JSON.parse(decoder.decode(data)); } catch { skipped++; continue; }
    const result = check(RegistryEntry, body);
    // The key names the kind whose role wrote it: an entry claiming another kind or id is forged.
    if (!result.ok || key !== agentKey(result.value.kind, result.value.agentId)) { skipped++; continue; }
    const age = Math.max(0, now - result.value.lastHeartbeat);
    const status: AgentStatus = result.value.status === 'down' || age > STALE_AFTER_MS ? 'down' : result.value.status;
    rows.set(result.value.agentId, { ...result.value, status, heartbeatAgeMs: age });
  }
  return [...rows.values()].sort((a, b) => a.agentId.localeCompare(b.agentId, 'en', { numeric: true }));
}
