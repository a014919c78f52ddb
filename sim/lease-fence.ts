import type { Action } from '../runtime/contracts/control.js';

/**
 * Fencing for the simulator's actuator (DESIGN §7): an action carries the leader lease revision
 * it was decided under (`leaseRevision`, incremented at each change of leader); the fence
 * refuses one older than the current lease revision or than any revision already seen, so an
 * orchestrator that hung past its lease cannot act after another took over. An action with no
 * revision is refused once any fenced action was seen.
 */
export class LeaseFence {
  #floor = 0;

  /** The lease changed hands (read from the lease bucket): older revisions are stale from now on. */
  observeLease(revision: number): void {
    this.#floor = Math.max(this.#floor, revision);
  }

  /** Null when `action` may be applied (its revision becomes the newest seen); else why not. */
  admit(action: Pick<Action, 'actionId' | 'leaseRevision'>): string | null {
    const r = action.leaseRevision;
    if (r === undefined) return this.#floor > 0 ? `action ${action.actionId} carries no lease revision (current ${this.#floor})` : null;
    if (r < this.#floor) return `action ${action.actionId} was decided under lease revision ${r}; the current one is ${this.#floor}: a newer orchestrator leads`;
    this.#floor = r;
    return null;
  }

  current(): number { return this.#floor; }
}
