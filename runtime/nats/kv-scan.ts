import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** One stored message of a KV bucket: a put, a delete or a purge of `key`. */
export interface ScannedEntry { key: string; seq: number; operation: 'PUT' | 'DEL' | 'PURGE'; data: Uint8Array }

/**
 * Reads a KV bucket's messages from stream sequence `from` on, with direct gets (one request
 * per message, `next_by_subj`). No consumer is created: nats.conf gives the agent roles no
 * consumer API at all, so that none can create a push consumer delivering stored messages to a
 * subject of its choice (issue 9). Returns the entries in order and the next sequence to read.
 */
export async function scanBucket(jsm: JetStreamManager, bucket: string, from = 1, max = 100_000): Promise<{ entries: ScannedEntry[]; next: number }> {
  const stream = `KV_${bucket}`;
  const prefix = `$KV.${bucket}.`;
  const entries: ScannedEntry[] = [];
  let next = from;
  while (entries.length < max) {
    const m = await jsm.direct.getMessage(stream, { seq: next, next_by_subj: `${prefix}>` });
    if (!m) break;
    const op = m.header?.get('KV-Operation');
    entries.push({ key: m.subject.slice(prefix.length), seq: m.seq, operation: op === 'DEL' || op === 'PURGE' ? op : 'PUT', data: m.data });
    next = m.seq + 1;
  }
  return { entries, next };
}

/** The current value of every key of a bucket (deleted and purged keys left out). */
export async function readBucket(nc: NatsConnection, bucket: string): Promise<Map<string, Uint8Array>> {
  const { entries } = await scanBucket(await jetstreamManager(nc), bucket);
  const latest = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (e.operation === 'PUT') latest.set(e.key, e.data); else latest.delete(e.key);
  }
  return latest;
}
