/**
 * Partitioned agents (`vigil up --scale detector=2`): replica k of n owns the services whose
 * hash falls in partition k, so each sample is processed once and a service's state lives on
 * one replica. The supervisor passes VIGIL_PARTITION=<k>/<n> to each replica and
 * VIGIL_REPLICAS=<kind>=<n>,... to every agent (a downstream agent's clock waits for every
 * replica of an upstream kind).
 */
import { ConfigError } from '../errors.js';

/** Which share of the services this replica owns. */
export interface Partition { index: number; count: number }

/** Partition of a service among `count`: FNV-1a of the name, so every process agrees without talking. */
export function partitionOf(service: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    h ^= service.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

/** Reads `<index>/<count>` (VIGIL_PARTITION); undefined when absent. */
export function parsePartition(text: string | undefined): Partition | undefined {
  if (text === undefined || text === '') return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) throw new ConfigError(`VIGIL_PARTITION '${text}': expected <index>/<count> with 0 <= index < count`);
  return { index, count };
}

/** Reads `<kind>=<n>,...` (VIGIL_REPLICAS): how many replicas each scaled kind runs. */
export function parseReplicas(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [kind, n] = part.split('=');
    const count = Number(n);
    if (!kind || !Number.isInteger(count) || count < 1) throw new ConfigError(`VIGIL_REPLICAS '${text}': expected <kind>=<n>,... with n >= 1`);
    out[kind] = count;
  }
  return out;
}

/** VIGIL_REPLICAS for a fleet: the kinds that run more than one instance. */
export function formatReplicas(agents: readonly { kind: string; count: number }[]): string {
  return agents.filter((a) => a.count > 1).map((a) => `${a.kind}=${a.count}`).join(',');
}

/**
 * How many data shards the fleet's raw and clean hops use: one batch per shard and tick, on
 * vigil.raw.<shard> and vigil.clean.<shard>. It is the least common multiple of the scaled kinds'
 * replica counts (1 when nothing is scaled), so every partitioned replica owns whole shards: replica
 * k of n owns shard s when s mod n = k, the services whose partitionOf(service, n) is k (the hash
 * mod s mod n is the hash mod n when n divides s).
 */
export function shardCount(replicas: Record<string, number>): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return Object.values(replicas).reduce((lcm, n) => (lcm * n) / gcd(lcm, n), 1);
}

/** The data shard of a service among `shards`. */
export function shardOf(service: string, shards: number): number {
  return partitionOf(service, shards);
}

/**
 * Whether a replica of `partition` owns data shard `shard`. A token that is not a shard number
 * belongs to replica 0, which refuses it to the DLQ: a malformed subject never vanishes.
 */
export function ownsShard(shard: string, partition: Partition): boolean {
  const s = /^\d+$/.test(shard) ? Number(shard) : 0;
  return s % partition.count === partition.index;
}
