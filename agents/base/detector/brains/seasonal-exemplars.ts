/**
 * The exemplars of a seasonal profile (seasonal-profile.ts): per time-of-period bucket, a
 * ring of the last `periods` exemplars, each the period number, sum and count of the values
 * seen in that bucket during that period. A profile costs memory for what it has seen only:
 * - during its first period nothing can be compared with an earlier one, and the exemplars
 *   are a short log, one (bucket, sum, count) triple per bucket touched;
 * - once a second period begins (or the log holds a quarter of the buckets), flat typed
 *   arrays where layer k holds every bucket's k-th slot, grown a layer at a time up to
 *   `periods`: 16 bytes a slot, 288 buckets x 7 days = 32 KiB when full.
 * Both forms give the same answers: the log is replayed slot by slot into the arrays.
 */

/** Placeholders until the rings exist (shared: an empty typed array still costs an object). */
const NO_INT32 = new Int32Array(0);
const NO_FLOAT64 = new Float64Array(0);

/** Exemplar rings of one profile; see the module comment. */
export class SeasonalExemplars {
  /** First-period log: its period (NaN while empty) and one (bucket, sum, count) triple per bucket touched. */
  private logPeriod = Number.NaN;
  private log: number[] = [];
  private readonly logLimit: number;
  /** Rings, once promoted: slot `layer * buckets + bucket`. */
  private layers = 0;
  private periodOf = NO_INT32;
  private sum = NO_FLOAT64;
  private count = NO_INT32;
  /** Per bucket: exemplars held and the layer of the oldest (allocated on promotion). */
  private held: Uint16Array | undefined;
  private oldest: Uint16Array | undefined;

  constructor(readonly buckets: number, readonly periods: number) {
    this.logLimit = Math.max(1, Math.floor(buckets / 4));
  }

  /** Bytes of typed arrays held (for the benches and tests). */
  get arrayBytes(): number {
    return this.held ? this.periodOf.byteLength + this.sum.byteLength + this.count.byteLength + 4 * this.buckets : 0;
  }

  /** The exemplar mean nearest to `value` among buckets `bucket +- neighbours` of periods other than `period`. */
  nearest(value: number, period: number, bucket: number, neighbours: number): number | undefined {
    if (!this.rings(period)) return undefined;
    let best: number | undefined;
    for (let d = -neighbours; d <= neighbours; d++) {
      const b = (((bucket + d) % this.buckets) + this.buckets) % this.buckets;
      for (let k = 0; k < this.heldIn(b); k++) {
        const s = this.slot(b, k);
        if (this.periodOf[s] === period) continue;
        const mean = this.sum[s] / this.count[s];
        if (best === undefined || Math.abs(value - mean) < Math.abs(value - best)) best = mean;
      }
    }
    return best;
  }

  /** Mean of the exemplar means of `bucket` from periods other than `period` (NaN when none). */
  average(period: number, bucket: number): number {
    if (!this.rings(period)) return Number.NaN;
    let total = 0;
    let n = 0;
    for (let k = 0; k < this.heldIn(bucket); k++) {
      const s = this.slot(bucket, k);
      if (this.periodOf[s] === period) continue;
      total += this.sum[s] / this.count[s];
      n++;
    }
    return n > 0 ? total / n : Number.NaN;
  }

  /** Learns `value` in `bucket` of `period`; true when the bucket had no exemplar before. */
  learn(value: number, period: number, bucket: number): boolean {
    const learnt = this.held ? undefined : this.logLearn(value, period, bucket);
    return learnt ?? this.ringLearn(value, period, bucket);
  }

  /**
   * True when rings answer for `period`; false while the log holds only `period` (no earlier
   * period: nothing to compare with). A log of another period is promoted to rings first.
   */
  private rings(period: number): boolean {
    if (this.held) return true;
    if (this.log.length === 0 || period === this.logPeriod) return false;
    this.promote();
    return true;
  }

  /**
   * Learns into the log when it can: true for a bucket new to it, false for one it had;
   * undefined when the value belongs to the rings (the log is promoted first).
   */
  private logLearn(value: number, period: number, bucket: number): boolean | undefined {
    const log = this.log;
    if (log.length === 0) this.logPeriod = period;
    if (period === this.logPeriod) {
      for (let i = log.length - 3; i >= 0; i -= 3) {
        if (log[i] !== bucket) continue;
        log[i + 1] += value;
        log[i + 2]++;
        return false;
      }
      if (log.length < 3 * this.logLimit) {
        log.push(bucket, value, 1);
        return true;
      }
    }
    this.promote();
    return undefined;
  }

  /** Moves the log into rings: each entry becomes its bucket's first slot. */
  private promote(): void {
    this.held = new Uint16Array(this.buckets);
    this.oldest = new Uint16Array(this.buckets);
    this.grow(1);
    for (let i = 0; i < this.log.length; i += 3) {
      const s = this.log[i];
      this.periodOf[s] = this.logPeriod;
      this.sum[s] = this.log[i + 1];
      this.count[s] = this.log[i + 2];
      this.held[s] = 1;
    }
    this.log = [];
  }

  private ringLearn(value: number, period: number, bucket: number): boolean {
    const held = this.held as Uint16Array;
    const n = held[bucket];
    if (n > 0) {
      const newest = this.slot(bucket, n - 1);
      if (this.periodOf[newest] === period) {
        this.sum[newest] += value;
        this.count[newest]++;
        return false;
      }
    }
    let s: number;
    if (n < this.periods) {
      if (n >= this.layers) this.grow(n + 1);
      s = this.slot(bucket, n);
      held[bucket] = n + 1;
    } else {
      // Full: the oldest slot takes the new period and the next one becomes the oldest.
      const oldest = this.oldest as Uint16Array;
      s = this.slot(bucket, 0);
      oldest[bucket] = (oldest[bucket] + 1) % this.periods;
    }
    this.periodOf[s] = period;
    this.sum[s] = value;
    this.count[s] = 1;
    return n === 0;
  }

  private heldIn(bucket: number): number {
    return (this.held as Uint16Array)[bucket];
  }

  /** Slot of the k-th exemplar (0 = oldest) of `bucket`. */
  private slot(bucket: number, k: number): number {
    return (((this.oldest as Uint16Array)[bucket] + k) % this.periods) * this.buckets + bucket;
  }

  /** At least `needed` layers (doubling, at most `periods`); the old layers are the new arrays' prefix. */
  private grow(needed: number): void {
    const layers = Math.min(this.periods, Math.max(needed, 2 * this.layers));
    const slots = layers * this.buckets;
    const periodOf = new Int32Array(slots);
    const sum = new Float64Array(slots);
    const count = new Int32Array(slots);
    periodOf.set(this.periodOf);
    sum.set(this.sum);
    count.set(this.count);
    this.periodOf = periodOf;
    this.sum = sum;
    this.count = count;
    this.layers = layers;
  }
}
