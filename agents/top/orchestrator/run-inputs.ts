import { createHash } from 'node:crypto';

/** Key prefix of a shared run input in the snapshot bucket. */
export const INPUT_KEY_PREFIX = 'input-';

/** Whether a snapshot-bucket key holds a shared run input (not a run). */
export const isInputKey = (key: string): boolean => key.startsWith(INPUT_KEY_PREFIX);

/**
 * The read-only inputs that many runs share or that outlive many snapshots (a service's scaling
 * policy, the escalation table), persisted once each under a key derived from their content and
 * referenced from the run snapshots. A scaling run's snapshot changes every minute of event time
 * and its policy was ~40 % of it: on the 24-hour diurnal scenario, 173 MB of snapshot writes.
 * Inputs stay in the bucket until it is cleared: a new one appears only when a policy changes.
 */
export class RunInputs {
  readonly #keyOf = new WeakMap<object, string>();
  readonly #byKey = new Map<string, unknown>();

  /** An input read back from the bucket. */
  load(key: string, value: unknown): void {
    this.#byKey.set(key, value);
  }

  /** The key of `value`; queues its write in `writes` the first time the bucket needs it. */
  refer(value: object, writes: { key: string; value: unknown }[]): string {
    let key = this.#keyOf.get(value);
    if (key === undefined) {
      key = INPUT_KEY_PREFIX + createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
      this.#keyOf.set(value, key);
    }
    if (!this.#byKey.has(key)) {
      this.#byKey.set(key, value);
      writes.push({ key, value });
    }
    return key;
  }

  /** The input stored under `key`. @throws when the bucket had no such input */
  get(key: string): unknown {
    if (!this.#byKey.has(key)) throw new Error(`its input ${key} is not in the snapshot bucket`);
    return this.#byKey.get(key);
  }
}
