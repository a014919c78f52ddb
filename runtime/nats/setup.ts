import { jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, Streams } from '../contracts/index.js';

const DAY_NS = 24 * 60 * 60 * 1e9;

/**
 * Creates (or updates) the fleet's JetStream streams and KV buckets. Idempotent: `vigil up`
 * calls it on every start, tests call it on their fresh server. Needs the operator's user.
 */
export async function setupStores(nc: NatsConnection, opts: { replicas?: number } = {}): Promise<void> {
  const replicas = opts.replicas ?? 1;
  const jsm = await jetstreamManager(nc);
  for (const s of Object.values(Streams)) {
    const config: Partial<StreamConfig> & { name: string } = {
      name: s.name, subjects: [...s.subjects], max_age: 7 * DAY_NS, max_bytes: 256 * 1024 * 1024, num_replicas: replicas,
    };
    try {
      await jsm.streams.info(s.name);
      await jsm.streams.update(s.name, config);
    } catch {
      await jsm.streams.add(config);
    }
  }
  const kvm = new Kvm(nc);
  for (const bucket of Object.values(Buckets)) {
    // vigil-alerts keeps each alert's last transitions: `nats kv history vigil-alerts <key>`.
    await kvm.create(bucket, { history: bucket === Buckets.config ? 5 : bucket === Buckets.alerts ? 10 : 1, allow_direct: true, replicas });
  }
}
