import type { KV } from '@nats-io/kv';
import { dict } from '../../../runtime/dict.js';
import { errorMessage } from '../../../runtime/errors.js';
import type { Logger } from '../../../runtime/log.js';

const decoder = new TextDecoder();

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

  /** `readAll` reads the whole bucket through `scan` (direct gets: the orchestrator has no consumer API). */
  constructor(private readonly kv: KV, private readonly log: Logger, private readonly scan: () => Promise<Map<string, Uint8Array>>) {}

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
    const out: Record<string, unknown> = dict();
    // Direct gets, no consumer: the orchestrator's role has no consumer API (nats.conf).
    for (const [key, data] of await this.scan()) {
      if (data.length === 0) continue;
      try {
        out[key] = JSON.parse(decoder.decode(data));
        this.#keys.add(key);
      } catch (err) {
        this.log.error({ err: errorMessage(err), key }, 'unreadable snapshot left out');
      }
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
