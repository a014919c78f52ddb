import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** One stored message of a stream. */
export interface StoredMessage { seq: number; subject: string; data: unknown; time: string }

/**
 * Reads every message of `stream` matching `filter` (a subject with wildcards), in order,
 * with an ordered consumer. Bounded by `max` so a huge stream cannot hang the CLI.
 * `since` (an ISO time) starts at the first message stored at or after it.
 */
export async function readStream(nc: NatsConnection, stream: string, filter: string, max = 100_000, since?: string): Promise<StoredMessage[]> {
  const consumer = await jetstream(nc).consumers.get(stream, since === undefined
    ? { filter_subjects: filter }
    : { filter_subjects: filter, deliver_policy: DeliverPolicy.StartTime, opt_start_time: since });
  const pending = (await consumer.info()).num_pending;
  const out: StoredMessage[] = [];
  while (out.length < Math.min(pending, max)) {
    const m = await consumer.next({ expires: 2000 });
    if (!m) break;
    let data: unknown;
    try { data = m.json(); } catch { data = m.string(); }
    out.push({ seq: m.seq, subject: m.subject, data, time: m.time.toISOString() });
  }
  return out;
}
