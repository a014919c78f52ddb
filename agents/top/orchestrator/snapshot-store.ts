import type { KV } from '@nats-io/kv';
import { errorMessage } from '../../../runtime/errors.js';
import type { Logger } from '../../../runtime/log.js';

/**
 * Persists the policy machines' snapshots in KV (bucket vigil-snapshots, key = run id) in
 * the order they were produced, so a restarted or standby orchestrator resumes every run
 * where it stood.
 */
export class SnapshotStore {
  readonly #keys = new Set<string>();
  #chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly kv: KV, private readonly log: Logger) {}

  /** Queues writes (null deletes); they are applied one after the other. */
  write(snapshots: readonly { key: string; value: unknown | null }[]): void {
    for (const { key, value } of snapshots) {
      const k = safeKey(key);
      if (value === null) this.#keys.delete(k); else this.#keys.add(k);
      this.#chain = this.#chain
        .then(async () => { if (value === null) await this.kv.delete(k); else await this.kv.put(k, JSON.stringify(value)); })
        .catch((err) => this.log.error({ err: errorMessage(err), key: k }, 'snapshot write failed'));
    }
  }

  /** Every persisted snapshot, keyed by run id. */
  async readAll(): Promise<Record<string, unknown>> {
    await this.flush();
    const out: Record<string, unknown> = {};
    for await (const key of await this.kv.keys()) {
      const entry = await this.kv.get(key);
      if (entry && entry.operation === 'PUT' && entry.length > 0) { out[key] = entry.json(); this.#keys.add(key); }
    }
    return out;
  }

  /** Deletes every snapshot this process knows of (a new simulated run). */
  clear(): void {
    this.write([...this.#keys].map((key) => ({ key, value: null })));
  }

  size(): number { return this.#keys.size; }

  flush(): Promise<unknown> { return this.#chain; }
}

/** KV keys allow letters, digits and - _ = . / only. */
function safeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_=./-]/g, '_');
}
