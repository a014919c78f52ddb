import type { NatsConnection } from '@nats-io/transport-node';
import { currentLeader } from '../runtime/nats/leader.js';
import type { FaultWatch } from './fault-watch.js';

/**
 * Resolves when the leading orchestrator's watermark reaches `ts`: woken by each orchestrator
 * watermark (no polling); every second it re-reads the leader lease (a standby may have taken
 * over) and it fails after `stallMs` without progress. A fault seen by `faults` (an agent
 * restarted, the connection lost) ends the wait at once with RunInterrupted. `resend` is called
 * every RESEND_AFTER_MS without the awaited watermark (the simulator sends its latest tick again).
 */
export async function waitForOrchestrator(
  nc: NatsConnection, marks: WatermarkBoard, ts: number, leader: string | null, stallMs: number, faults?: FaultWatch, resend?: () => void,
): Promise<string | null> {
  const start = performance.now();
  let current = leader;
  let resentAt = start;
  for (;;) {
    if (current !== null && marks.get(current) >= ts) return current;
    faults?.check();
    await marks.next(faults ? 250 : 1000);
    faults?.check();
    if (current !== null && marks.get(current) >= ts) return current;
    if (resend && performance.now() - resentAt > RESEND_AFTER_MS) { resentAt = performance.now(); resend(); }
    if (performance.now() - start > stallMs) {
      throw new Error(`the fleet stalled: no orchestrator watermark for ${new Date(ts).toISOString()} after ${stallMs} ms (leader ${current ?? 'none'}); is every agent up? ('vigil ps')`);
    }
    // A lease read that fails (a cluster re-electing the bucket's leader) keeps the leader known so far.
    if (current === null || performance.now() - start > 1000) current = await currentLeader(nc).catch(() => current);
  }
}

/** Wall time without the awaited orchestrator watermark after which the latest tick is sent again. */
const RESEND_AFTER_MS = 5000;

/** The latest watermark of each orchestrator, with a way to wait for the next one. */
export class WatermarkBoard {
  readonly #marks = new Map<string, number>();
  #wake: (() => void) | null = null;

  set(agentId: string, ts: number): void {
    this.#marks.set(agentId, Math.max(this.get(agentId), ts));
    this.#wake?.();
  }

  get(agentId: string): number { return this.#marks.get(agentId) ?? 0; }

  /** Resolves at the next watermark, or after `timeoutMs`. */
  next(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void { clearTimeout(timer); resolve(); }
      this.#wake = () => { this.#wake = null; done(); };
    });
  }
}
