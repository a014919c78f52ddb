/**
 * Sliding-window statistics over the last `size` observations, O(1) or O(size) per
 * update, with no allocation in the steady state. Memory follows what a series has
 * seen: buffers are plain arrays of numbers that grow up to their window (a detector
 * holds one set per series, and most series of a big fleet are young or quiet).
 */

/** Mean and standard deviation of the last `size` values (Welford add/remove). */
export class RollingStats {
  /** Ring of the last `size` values; grows (see grow) until it is full. */
  private buf: number[] = [];
  private head = 0;
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private sinceRecompute = 0;

  constructor(readonly size: number) {}

  /** Number of values held (at most `size`). */
  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.mu;
  }

  /** Sample standard deviation; 0 with fewer than two values. */
  get std(): number {
    return this.n > 1 ? Math.sqrt(Math.max(0, this.m2) / (this.n - 1)) : 0;
  }

  push(x: number): void {
    if (this.n === this.size) {
      const old = this.buf[this.head];
      const d = old - this.mu;
      this.mu -= d / (this.n - 1);
      this.m2 -= d * (old - this.mu);
      this.n--;
    }
    if (this.head === this.buf.length) this.grow();
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.size;
    this.n++;
    const d = x - this.mu;
    this.mu += d / this.n;
    this.m2 += d * (x - this.mu);
    // Add/remove accumulates rounding error; recompute exactly now and then.
    if (++this.sinceRecompute >= 8 * this.size) this.recompute();
  }

  /** Doubles the room while the ring fills, up to `size` exactly (appending would leave up to 60 % of it unused). */
  private grow(): void {
    const grown = new Array<number>(Math.min(this.size, Math.max(8, 2 * this.buf.length))).fill(0);
    for (let i = 0; i < this.buf.length; i++) grown[i] = this.buf[i];
    this.buf = grown;
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.at(i);
    const mu = s / this.n;
    let m2 = 0;
    for (let i = 0; i < this.n; i++) m2 += (this.at(i) - mu) ** 2;
    this.mu = mu;
    this.m2 = m2;
  }

  private at(i: number): number {
    return this.buf[(this.head - this.n + i + 2 * this.size) % this.size];
  }
}

/**
 * Blocks a sliding-extremes window is kept in, for 2 x 32 numbers a window: a value is forgotten
 * at most two blocks (1/16 of the window) after its exact time; at most one when the blocks divide
 * the window, as the 270-value blocks of the envelopes' 8,640 do.
 */
export const EXTREME_BLOCKS = 32;

/**
 * Blocks a sliding-values window is kept in: a nearest-value query searches each block, one
 * dependent chain of memory reads per block, so fewer and longer blocks than the extremes' (a value is
 * forgotten at most two blocks, 1/8 of the window, after its exact time).
 */
export const VALUE_BLOCKS = 16;

/** Values per block of a window of `size` kept in `blocks` blocks. */
function blockOf(size: number, blocks = EXTREME_BLOCKS): number {
  return Math.max(1, Math.ceil(size / blocks));
}

/**
 * Minimum and maximum of the last `size` values (at least), in memory bounded whatever the data:
 * the past is kept as the extremes of at most {@link EXTREME_BLOCKS} consecutive blocks of
 * `block` values, beside the block being filled. A monotone series would fill an exact monotone
 * deque with up to `size` entries (350 KiB at 8,640); here a mature window holds one array of
 * 2 + 2 x 32 numbers, and a series younger than one block holds no array at all.
 * Exact while fewer than `size` values have been seen; after that a value is forgotten when its
 * block leaves the ring: never before `size` newer values, at most two blocks after.
 */
export class SlidingExtremes {
  private seen = 0;
  /** Values still to come in the block being filled. */
  private left: number;
  private blockMax = Number.NEGATIVE_INFINITY;
  private blockMin = Number.POSITIVE_INFINITY;
  /**
   * The completed blocks, from the first one on: [max, min] over all of them, then each
   * block's [max, min] in a ring (one array: a detector holds five windows per series).
   */
  private past: number[] | null = null;
  /** The ring slot the next completed block goes to. */
  private nextSlot = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`sliding extremes: the window must be a whole number of values >= 1, got ${size}`);
    this.left = blockOf(size);
  }

  /** Values per block. */
  get block(): number {
    return blockOf(this.size);
  }

  /** Number of values seen, capped at `size`. */
  get count(): number {
    return Math.min(this.seen, this.size);
  }

  get max(): number {
    if (this.seen === 0) return Number.NaN;
    return this.past ? Math.max(this.past[0], this.blockMax) : this.blockMax;
  }

  get min(): number {
    if (this.seen === 0) return Number.NaN;
    return this.past ? Math.min(this.past[1], this.blockMin) : this.blockMin;
  }

  /** Numbers kept for the completed blocks (at most 2 + 2 x EXTREME_BLOCKS): what the window costs. */
  get stored(): number {
    return this.past?.length ?? 0;
  }

  push(v: number): void {
    this.seen++;
    if (v > this.blockMax) this.blockMax = v;
    if (v < this.blockMin) this.blockMin = v;
    if (--this.left === 0) this.closeBlock();
  }

  /** Moves the full block into the ring, over the oldest block once the ring is full. */
  private closeBlock(): void {
    const block = blockOf(this.size);
    const slots = Math.ceil(this.size / block);
    const past = (this.past ??= [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    const full = past.length === 2 + 2 * slots;
    past[2 + 2 * this.nextSlot] = this.blockMax;
    past[3 + 2 * this.nextSlot] = this.blockMin;
    if (full) {
      past[0] = Number.NEGATIVE_INFINITY;
      past[1] = Number.POSITIVE_INFINITY;
      for (let i = 2; i < past.length; i += 2) {
        past[0] = Math.max(past[0], past[i]);
        past[1] = Math.min(past[1], past[i + 1]);
      }
    } else {
      past[0] = Math.max(past[0], this.blockMax);
      past[1] = Math.min(past[1], this.blockMin);
    }
    this.nextSlot = (this.nextSlot + 1) % slots;
    this.left = block;
    this.blockMax = Number.NEGATIVE_INFINITY;
    this.blockMin = Number.POSITIVE_INFINITY;
  }
}

/** The last `size` values kept sorted, for the median and the median absolute deviation. */
export class SortedWindow {
  private readonly order: number[] = [];
  private readonly sorted: number[] = [];

  constructor(readonly size: number) {}

  get count(): number {
    return this.order.length;
  }

  push(x: number): void {
    if (this.order.length === this.size) {
      const old = this.order.shift() as number;
      this.sorted.splice(sortedIndex(this.sorted, this.sorted.length, old), 1);
    }
    this.order.push(x);
    this.sorted.splice(sortedIndex(this.sorted, this.sorted.length, x), 0, x);
  }

  /** Median of the window (NaN when empty). */
  median(): number {
    return quantileSorted(this.sorted, 0.5);
  }

  /** Median absolute deviation from `centre` (NaN when empty). */
  mad(centre: number): number {
    const dev = this.sorted.map((v) => Math.abs(v - centre)).sort((a, b) => a - b);
    return quantileSorted(dev, 0.5);
  }

  /** Mean absolute deviation from `centre` (fallback scale when the MAD is 0). */
  meanAbsDev(centre: number): number {
    let s = 0;
    for (const v of this.sorted) s += Math.abs(v - centre);
    return this.sorted.length ? s / this.sorted.length : Number.NaN;
  }
}

function quantileSorted(a: number[], q: number): number {
  if (a.length === 0) return Number.NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

/** The nearest values at or below and at or above a value (-Infinity / Infinity when there is none). */
export interface Neighbours {
  below: number;
  above: number;
}

/**
 * The last `size` values (at least), sorted block by block for nearest-value queries: completed
 * blocks of `size` / {@link VALUE_BLOCKS} values, each a sorted array, in a ring, beside the block
 * being filled (kept sorted as it fills). A value is forgotten when its block leaves the ring, as in
 * SlidingExtremes: never before `size` newer values, at most two blocks after. Memory follows the
 * values seen, up to `size` + one block of numbers: 73 KiB at 8,640 (a detector holds one per
 * statistical series, and most series of a big fleet are young).
 */
export class SlidingValues {
  private seen = 0;
  /** The block being filled, sorted in its first `filled` slots; its room doubles up to a block. */
  private filling: number[] = [0, 0, 0, 0];
  private filled = 0;
  /** The completed blocks, each sorted, in a ring (none while the series is younger than a block). */
  private blocks: number[][] | null = null;
  /** The ring slot the next completed block goes to. */
  private nextSlot = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`sliding values: the window must be a whole number of values >= 1, got ${size}`);
  }

  /** Number of values seen, capped at `size`. */
  get count(): number {
    return Math.min(this.seen, this.size);
  }

  /** Numbers kept (completed blocks and the room of the block being filled): what the window costs. */
  get stored(): number {
    return (this.blocks?.length ?? 0) * blockOf(this.size, VALUE_BLOCKS) + this.filling.length;
  }

  get min(): number {
    let m = this.filled ? this.filling[0] : Number.POSITIVE_INFINITY;
    for (const b of this.blocks ?? []) if (b[0] < m) m = b[0];
    return this.seen ? m : Number.NaN;
  }

  get max(): number {
    let m = this.filled ? this.filling[this.filled - 1] : Number.NEGATIVE_INFINITY;
    for (const b of this.blocks ?? []) if (b[b.length - 1] > m) m = b[b.length - 1];
    return this.seen ? m : Number.NaN;
  }

  /**
   * The largest value held at or below `v` and the smallest at or above it. With a `tolerance`, the
   * search goes from the newest block to the oldest and stops once a value within `tolerance` of `v`
   * is found: the answer is then a near value, not always the nearest.
   */
  neighbours(v: number, tolerance = 0): Neighbours {
    const n: Neighbours = { below: Number.NEGATIVE_INFINITY, above: Number.POSITIVE_INFINITY };
    closest(this.filling, this.filled, v, n);
    const blocks = this.blocks ?? [];
    for (let k = 1; k <= blocks.length; k++) {
      if (v - n.below <= tolerance || n.above - v <= tolerance) break;
      const b = blocks[(this.nextSlot - k + blocks.length) % blocks.length];
      // A block with nothing between the nearest values found so far cannot improve them.
      if (b[0] < n.above && b[b.length - 1] > n.below) closest(b, b.length, v, n);
    }
    return n;
  }

  push(v: number): void {
    this.seen++;
    const block = blockOf(this.size, VALUE_BLOCKS);
    if (this.filled === this.filling.length) this.grow(block);
    const f = this.filling;
    const at = sortedIndex(f, this.filled, v);
    for (let i = this.filled; i > at; i--) f[i] = f[i - 1];
    f[at] = v;
    if (++this.filled === block) this.closeBlock(block);
  }

  /** Doubles the room of the block being filled, up to a block. */
  private grow(block: number): void {
    const grown = new Array<number>(Math.min(block, 2 * this.filling.length)).fill(0);
    for (let i = 0; i < this.filled; i++) grown[i] = this.filling[i];
    this.filling = grown;
  }

  /** Moves the full block into the ring, over the oldest block once the ring is full. */
  private closeBlock(block: number): void {
    const slots = Math.ceil(this.size / block);
    const blocks = (this.blocks ??= []);
    if (blocks.length < slots) blocks.push(this.filling.slice(0, block));
    else for (let i = 0; i < block; i++) blocks[this.nextSlot][i] = this.filling[i];
    this.nextSlot = (this.nextSlot + 1) % slots;
    this.filled = 0;
  }
}

/** Narrows `n` to the values of sorted `a[0..end)` nearest to `v` from below and from above. */
function closest(a: number[], end: number, v: number, n: Neighbours): void {
  const i = sortedIndex(a, end, v);
  if (i < end && a[i] < n.above) n.above = a[i];
  const below = i < end && a[i] === v ? v : i > 0 ? a[i - 1] : Number.NEGATIVE_INFINITY;
  if (below > n.below) n.below = below;
}

/**
 * First index of sorted `a[0..end)` whose value is >= `x` (`end` when none). Branch-free halving:
 * the comparisons of a search are unpredictable, and a gap query makes one search per block.
 * Also where a sorted window inserts and removes.
 */
function sortedIndex(a: number[], end: number, x: number): number {
  if (end === 0) return 0;
  let base = 0;
  let n = end;
  while (n > 1) {
    const half = n >>> 1;
    base = a[base + half - 1] < x ? base + half : base;
    n -= half;
  }
  return a[base] < x ? base + 1 : base;
}
