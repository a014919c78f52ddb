/**
 * Reliability arithmetic, all in event-time milliseconds in and seconds out.
 * MTTR = mean repair time; MTBF = uptime / failures (the classical definition: time in
 * service between failures); availability = 1 - downtime / observed time.
 */

/** Mean time to repair, seconds, or null with no repair yet. */
export function mttrS(totalRepairMs: number, repairs: number): number | null {
  return repairs > 0 ? round(totalRepairMs / repairs / 1000) : null;
}

/** Mean time between failures, seconds: uptime over the number of failures, or null with none. */
export function mtbfS(observedMs: number, downtimeMs: number, failures: number): number | null {
  return failures > 0 ? round(Math.max(0, observedMs - downtimeMs) / failures / 1000) : null;
}

/** Availability 0-1 over the observed time (1 before any time has passed). */
export function availability(observedMs: number, downtimeMs: number): number {
  if (observedMs <= 0) return 1;
  return Math.round(Math.min(1, Math.max(0, 1 - downtimeMs / observedMs)) * 1e6) / 1e6;
}

/**
 * A union-of-intervals downtime counter: several overlapping incidents on one service count
 * their overlap once. `down` / `up` must be called in event-time order.
 */
export class Downtime {
  #open = 0;
  #since = 0;
  #totalMs = 0;
  failures = 0;

  /** An incident involving the service opened at `ts`. */
  down(ts: number): void {
    if (this.#open === 0) this.#since = ts;
    this.#open++;
    this.failures++;
  }

  /** An incident involving the service ended at `ts`. */
  up(ts: number): void {
    if (this.#open === 0) return;
    this.#open--;
    if (this.#open === 0) this.#totalMs += Math.max(0, ts - this.#since);
  }

  /** Downtime so far, counting an open interval up to `now`. */
  totalMs(now: number): number {
    return this.#totalMs + (this.#open > 0 ? Math.max(0, now - this.#since) : 0);
  }

  get isDown(): boolean { return this.#open > 0; }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
