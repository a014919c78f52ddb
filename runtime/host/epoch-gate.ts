/** A message held until event time covers it, with what to do then. */
interface Held { end: number; rank: number; key: string; seq: number; deliver: () => void }

/**
 * Holds an agent's inputs until its low watermark covers them, then hands them over in an
 * order that does not depend on how the network interleaved them (DESIGN §3: the same seed
 * gives the same decisions).
 *
 * A message from an upstream agent belongs to the epoch that agent closes with its next
 * watermark (it publishes data, then the watermark, on one connection). A message from
 * elsewhere (the simulator's action results) belongs to its own event time `ts`. When the
 * low watermark reaches L, every message of an epoch ending at or before L is released,
 * ordered by epoch end, then by the source's rank (its kind's place in the hierarchy), then
 * by key (the subject: one service's messages come from one replica of a partitioned kind, so
 * the order is the same with one replica or several), then by arrival.
 */
export class EpochGate {
  readonly #open = new Map<string, Held[]>();
  readonly #closed: Held[] = [];
  readonly #lastWatermark = new Map<string, number>();
  /** Every epoch end announced and not yet stepped through. */
  readonly #ends = new Set<number>();
  #low = Number.NEGATIVE_INFINITY;
  #seq = 0;

  constructor(private readonly rankOf: (kind: string) => number) {}

  /** Holds a message from upstream agent `source` (of `kind`) until that agent's next watermark is covered. */
  holdFromAgent(source: string, kind: string, deliver: () => void, key = ''): void {
    let list = this.#open.get(source);
    if (!list) this.#open.set(source, (list = []));
    list.push({ end: Number.POSITIVE_INFINITY, rank: this.rankOf(kind), key, seq: this.#seq++, deliver });
  }

  /** Holds a message from outside the hierarchy until event time reaches `ts`. */
  holdUntil(ts: number, deliver: () => void, key = ''): void {
    if (ts <= this.#low) { deliver(); return; } // its time has come already
    this.#closed.push({ end: ts, rank: -1, key, seq: this.#seq++, deliver });
    this.#ends.add(ts);
  }

  /** `source` published a watermark: the messages it sent before belong to the epoch ending at `ts`. */
  watermark(source: string, ts: number): void {
    // A watermark announced again (with each heartbeat) closes nothing: later messages belong to the next epoch.
    if (ts <= (this.#lastWatermark.get(source) ?? Number.NEGATIVE_INFINITY)) return;
    this.#lastWatermark.set(source, ts);
    this.#ends.add(ts);
    const list = this.#open.get(source);
    if (!list || list.length === 0) return;
    for (const h of list) h.end = ts;
    this.#closed.push(...list);
    this.#open.set(source, []);
  }

  /** Delivers, in order, every held message whose epoch ended at or before `low`. */
  release(low: number): void {
    this.#low = Math.max(this.#low, low);
    const due = this.#closed.filter((h) => h.end <= low);
    if (due.length === 0) return;
    const keep = this.#closed.filter((h) => h.end > low);
    this.#closed.length = 0;
    this.#closed.push(...keep);
    due.sort((a, b) => a.end - b.end || a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.seq - b.seq);
    for (const h of due) h.deliver();
  }

  /**
   * The epoch ends up to `low`, ascending, forgotten once returned: the host steps its clock
   * through each of them, so timers and messages see the same times however many epochs one
   * watermark covered.
   */
  stepsUpTo(low: number): number[] {
    const steps = [...this.#ends].filter((e) => e <= low).sort((a, b) => a - b);
    for (const e of steps) this.#ends.delete(e);
    return steps;
  }

  /** How many messages wait (for health and lag). */
  size(): number {
    let n = this.#closed.length;
    for (const list of this.#open.values()) n += list.length;
    return n;
  }

  /** Drops everything held (a new simulated run). */
  reset(): void {
    this.#open.clear();
    this.#closed.length = 0;
    this.#lastWatermark.clear();
    this.#ends.clear();
    this.#low = Number.NEGATIVE_INFINITY;
  }
}
