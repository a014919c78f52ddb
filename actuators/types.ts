import type { Action, ActionResult } from '../runtime/contracts/control.js';

/** What a driver did with one action (the actuator adds the ids and the time). */
export interface Outcome {
  status: 'applied' | 'failed' | 'dry-run';
  /** the service's state before (the exec probe's JSON, the webhook's answer) */
  before: Record<string, unknown>;
  /** the state after, plus how it was done (command, exit code, output or HTTP status) */
  after: Record<string, unknown>;
  detail: string;
}

/** An action applied earlier, as the ledger keeps it. */
export interface Applied { action: Action; result: ActionResult }

/**
 * A way to act on real systems (exec, webhook). `compensated` is the earlier action this one
 * undoes, when the action says so and the ledger has it. A driver never throws: every
 * failure is an Outcome with status 'failed' and a detail that says what and where.
 */
export interface Driver {
  readonly name: string;
  readonly kind: 'exec' | 'webhook';
  run(action: Action, compensated: Applied | undefined): Promise<Outcome>;
}

/** Output kept in a result: the tail of a stream, at most this many characters. */
export const OUTPUT_LIMIT = 4096;

export const tail = (s: string, limit = OUTPUT_LIMIT): string => (s.length <= limit ? s : `…${s.slice(-limit)}`);
