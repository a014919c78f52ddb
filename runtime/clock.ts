/**
 * Event time for one agent (DESIGN §3). The clock never reads the wall clock: it moves when
 * the host advances it to the lowest watermark of the agent's inputs, and then fires the
 * timers that fell due, in deadline order. Time never goes backwards except through
 * `reset`, which a `begin-run` directive uses to start a new simulated run.
 */
export interface Clock {
  /** Current event time, ms since epoch (0 before the first watermark). */
  now(): number;
  /** Calls `fn` once event time reaches `at` (ms). Returns a handle for `cancel`. */
  at(at: number, fn: () => void): number;
  /** Calls `fn` once `delayMs` of event time has passed. */
  after(delayMs: number, fn: () => void): number;
  cancel(handle: number): void;
}

interface Timer { id: number; at: number; fn: () => void }

export class EventClock implements Clock {
  #now = 0;
  #timers: Timer[] = [];
  #nextId = 1;

  now(): number { return this.#now; }

  at(at: number, fn: () => void): number {
    const timer = { id: this.#nextId++, at, fn };
    this.#timers.push(timer);
    return timer.id;
  }

  after(delayMs: number, fn: () => void): number {
    return this.at(this.#now + delayMs, fn);
  }

  cancel(handle: number): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /**
   * Moves event time forward to `ts` (ignored if not later) and fires every due timer, each
   * with the clock set to its own deadline so that timers see the time they were due at.
   * Returns true when time moved.
   */
  advance(ts: number): boolean {
    if (ts <= this.#now) return false;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= ts).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = ts;
    return true;
  }

  /** Starts over at `ts` with no timers (a new simulated run). */
  reset(ts: number): void {
    this.#now = ts;
    this.#timers = [];
  }

  pendingTimers(): number { return this.#timers.length; }
}
