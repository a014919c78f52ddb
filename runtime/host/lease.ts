import type { KV } from '@nats-io/kv';
import { errorMessage } from '../errors.js';

/** The lease record in KV: who holds it and until when (wall clock, ms). */
export interface LeaseRecord { holder: string; expiresAt: number }

/**
 * A leader lease in a KV bucket, taken and renewed with compare-and-set on the key's
 * revision, so two holders can never both win. The holder renews every `ttlMs / 3`; a
 * candidate takes over once the record has expired. Wall-clock time: leases are about
 * processes being alive, not about event time.
 */
export class Lease {
  #revision = 0;
  #leader = false;

  constructor(private readonly kv: KV, private readonly key: string, private readonly me: string, private readonly ttlMs = 5000) {}

  isLeader(): boolean { return this.#leader; }

  /** One attempt to take or renew the lease; returns whether this process leads now. */
  async tick(now = Date.now()): Promise<boolean> {
    const record: LeaseRecord = { holder: this.me, expiresAt: now + this.ttlMs };
    try {
      const entry = await this.kv.get(this.key);
      if (!entry || entry.operation !== 'PUT') {
        this.#revision = await this.kv.create(this.key, JSON.stringify(record));
        return (this.#leader = true);
      }
      const current = entry.json<LeaseRecord>();
      if (current.holder !== this.me && current.expiresAt > now) return (this.#leader = false);
      this.#revision = await this.kv.update(this.key, JSON.stringify(record), entry.revision);
      return (this.#leader = true);
    } catch (err) {
      // Lost a compare-and-set race, or NATS is unreachable: not the leader until proven.
      if (!/wrong last sequence|key exists/i.test(errorMessage(err))) throw err;
      return (this.#leader = false);
    }
  }

  /** Gives the lease up (clean stop), so a standby takes over at once. */
  async release(): Promise<void> {
    if (!this.#leader) return;
    this.#leader = false;
    await this.kv.update(this.key, JSON.stringify({ holder: this.me, expiresAt: 0 } satisfies LeaseRecord), this.#revision);
  }
}
