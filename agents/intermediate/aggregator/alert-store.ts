import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, alertKey, type AlertRecord } from '../../../runtime/contracts/index.js';
import { errorMessage } from '../../../runtime/errors.js';
import { readBucket } from '../../../runtime/nats/kv-scan.js';
import type { Logger } from '../../../runtime/log.js';

/**
 * Writes alert records to the KV bucket vigil-alerts, one write at a time and in order (a
 * purge for a new run never lands after the new run's first alerts). A failed write is logged
 * and counted, the next ones go on.
 */
export class AlertStore {
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly nc: NatsConnection, private readonly kv: KV, private readonly log: Logger, private readonly counters: Record<string, number>,
  ) {}

  static async open(nc: NatsConnection, log: Logger, counters: Record<string, number>): Promise<AlertStore> {
    return new AlertStore(nc, await new Kvm(nc).open(Buckets.alerts), log, counters);
  }

  put(records: AlertRecord[]): void {
    if (records.length > 0) this.#then('put', async () => { for (const r of records) await this.kv.put(alertKey(r.id), JSON.stringify(r)); });
  }

  /** A new run: every alert of the previous one leaves the bucket, history included. */
  purgeAll(): void {
    this.#then('purge', async () => {
      // Direct gets, not kv.keys(): agent roles may not create consumers (nats.conf).
      for (const key of (await readBucket(this.nc, Buckets.alerts)).keys()) await this.kv.purge(key);
    });
  }

  /** Resolves once every write queued so far is done. */
  flushed(): Promise<void> {
    return this.#queue;
  }

  #then(what: string, write: () => Promise<void>): void {
    this.#queue = this.#queue.then(write).catch((err: unknown) => {
      this.counters.alertStoreErrors = (this.counters.alertStoreErrors ?? 0) + 1;
      this.log.warn({ err: errorMessage(err) }, `alert store ${what} failed`);
    });
  }
}
