/**
 * Sliding-window statistics over the last `size` observations, O(1) or O(size) per
 * update, with no allocation in the steady state. Memory follows what a series has
 * seen: buffers are plain arrays of numbers that grow up to their window (a detector
 * holds one set per series, and most series of a big fleet are young or quiet).
 */

/** Mean and standard deviation of the last `size` values (Welford add/remove). */
export class RollingStats {
  /** Ring of the last `size` values; grows by appending until it is full. */
  private readonly buf: number[] = [];
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
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.size;
    this.n++;
    const d = x - this.mu;
    this.mu += d / this.n;
    this.m2 += d * (x - this.mu);
    // Add/remove accumulates rounding error; recompute exactly now and then.
    if (++this.sinceRecompute >= 8 * this.size) this.recompute();
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
 * Minimum and maximum of the last `size` values (monotone deques, amortised O(1)). Each
 * deque is one flat array of (time, value) pairs, the live part from `head` on; the dead
 * prefix is cut once it is half the array, so a deque holds little more than it needs.
 */
export class SlidingExtremes {
  private t = 0;
  private readonly maxQ: number[] = [];
  private readonly minQ: number[] = [];
  private maxHead = 0;
  private minHead = 0;

  constructor(readonly size: number) {}

  /** Number of values seen, capped at `size`. */
  get count(): number {
    return Math.min(this.t, this.size);
  }

  get max(): number {
    return this.maxHead < this.maxQ.length ? this.maxQ[this.maxHead + 1] : Number.NaN;
  }

  get min(): number {
    return this.minHead < this.minQ.length ? this.minQ[this.minHead + 1] : Number.NaN;
  }

  push(v: number): void {
    const t = this.t++;
    this.maxHead = SlidingExtremes.add(this.maxQ, this.maxHead, t, v, this.size, 1);
    this.minHead = SlidingExtremes.add(this.minQ, this.minHead, t, v, this.size, -1);
  }

  /**
   * Appends (t, v) to the deque of maxima (sign 1) or minima (sign -1) after dropping the
   * values it dominates (they can never be the extreme again); returns the new head.
   */
  private static add(q: number[], head: number, t: number, v: number, size: number, sign: 1 | -1): number {
    while (q.length > head && sign * q[q.length - 1] <= sign * v) {
      q.pop();
      q.pop();
    }
    q.push(t, v);
    while (q[head] <= t - size) head += 2;
    if (head >= 32 && head * 2 > q.length) {
      q.splice(0, head);
      head = 0;
    }
    return head;
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
      this.sorted.splice(this.lowerBound(old), 1);
    }
    this.order.push(x);
    this.sorted.splice(this.lowerBound(x), 0, x);
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

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function quantileSorted(a: number[], q: number): number {
  if (a.length === 0) return Number.NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}
