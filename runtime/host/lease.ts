import type { KV } from '@nats-io/kv';
import { errorMessage } from '../errors.js';

/**
 * The lease record in KV: who holds it, until when (wall clock, ms), and its revision: 1 for the
 * first holder, one more at each change of holder, unchanged by renewals. Actions carry the
 * revision they were decided under (fencing: actuators refuse an older one).
 */
export interface LeaseRecord { holder: string; expiresAt: number; revision?: number }

/**
 * A leader lease in a KV bucket, taken and renewed with compare-and-set on the key's
 * revision, so two holders can never both win. The holder renews every `ttlMs / 3`; a
 * candidate takes over once the record has expired. Wall-clock time: leases are about
 * processes being alive, not about event time.
 */
export class Lease {
  #revision = 0;
  #leaseRevision = 0;
  #leader = false;

  constructor(private readonly kv: KV, private readonly key: string, private readonly me: string, private readonly ttlMs = 5000) {}

  isLeader(): boolean { return this.#leader; }

  /** The lease revision this process holds (or last held): the fencing token of its actions. */
  leaseRevision(): number { return this.#leaseRevision; }

  /** One attempt to take or renew the lease; returns whether this process leads now. */
  async tick(now = Date.now()): Promise<boolean> {
    try {
      const entry = await this.kv.get(this.key);
      if (!entry || entry.operation !== 'PUT') {
        const record: LeaseRecord = { holder: this.me, expiresAt: now + this.ttlMs, revision: 1 };
        this.#revision = await this.kv.create(this.key, JSON.stringify(record));
        this.#leaseRevision = 1;
        return (this.#leader = true);
      }
      const current = entry.json<LeaseRecord>();
      if (current.holder !== this.me && current.expiresAt > now) return (this.#leader = false);
      // A renewal keeps the revision; taking over from another holder makes a new one.
      const revision = (current.revision ?? 0) + (current.holder === this.me ? 0 : 1);
      const record: LeaseRecord = { holder: this.me, expiresAt: now + this.ttlMs, revision: Math.max(1, revision) };
      this.#revision = await this.kv.update(this.key, JSON.stringify(record), entry.revision);
      this.#leaseRevision = record.revision!;
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
    await this.kv.update(this.key, JSON.stringify({ holder: this.me, expiresAt: 0, revision: this.#leaseRevision } satisfies LeaseRecord), this.#revision);
  }
}
