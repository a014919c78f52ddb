import type { KV } from '@nats-io/kv';
import { errorMessage } from '../../../runtime/errors.js';
import type { Logger } from '../../../runtime/log.js';

/**
 * Persists the policy machines' snapshots in KV (bucket vigil-snapshots, key = run id), so a
 * restarted or standby orchestrator resumes every run where it stood. Writes are coalesced
 * per key: while one round of writes is on its way, later snapshots of a key replace each
 * other and only the newest is written next, so a busy run never builds a backlog.
 */
export class SnapshotStore {
  readonly #keys = new Set<string>();
  readonly #pending = new Map<string, unknown | null>();
  #writing: Promise<void> | null = null;

  constructor(private readonly kv: KV, private readonly log: Logger) {}

  /** Queues writes (null deletes); the newest value of each key wins. */
  write(snapshots: readonly { key: string; value: unknown | null }[]): void {
    if (snapshots.length === 0) return;
    for (const { key, value } of snapshots) {
      const k = safeKey(key);
      if (value === null) this.#keys.delete(k); else this.#keys.add(k);
      this.#pending.set(k, value);
    }
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0) {
      const round = [...this.#pending];
      this.#pending.clear();
      await Promise.all(round.map(async ([k, value]) => {
        try {
          if (value === null) await this.kv.delete(k); else await this.kv.put(k, JSON.stringify(value));
        } catch (err) {
          this.log.error({ err: errorMessage(err), key: k }, 'snapshot write failed');
        }
      }));
    }
    this.#writing = null;
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

  /** Resolves once everything queued so far is written. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }
}

/** KV keys allow letters, digits and - _ = . / only. */
function safeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_=./-]/g, '_');
}
