/**
 * What every policy machine shares: how it asks for an action, how results and event time
 * reach it, and what it emits. The machines never do IO: they emit `act` (publish this action)
 * and `note` (record this decision) events, which the orchestrator brain turns into messages.
 *
 * Time: every deadline is an absolute event time (ms) kept in the machine context, and event
 * time reaches the machine only through events (`TICK {now}`, or the `now` of any other event).
 * No xstate `after` timer is used: xstate 5 does not re-arm pending delayed events when a
 * persisted snapshot is restored, while a deadline in context survives persistence as plain
 * data. After a restore the owner simply sends `TICK {now}` and every overdue deadline fires.
 */
import type { ActionType, ActionResult } from '../runtime/contracts/index.js';

/** An action a machine asked for and has no result for yet. Same step, same `actionId`, always. */
export interface PendingAction {
  actionId: string;
  type: ActionType;
  params: Record<string, unknown>;
  reason: string;
  compensates?: string;
  /** event time of the first send, ms */
  sentAt: number;
  /** event time after which the step counts as timed out, ms */
  deadline: number;
  /** how long to wait for a result after each send, ms */
  timeoutMs: number;
  /** how many times this same actionId was sent */
  sends: number;
}

/** Event time moved on: fire every deadline <= now. */
export interface TickEvent { type: 'TICK'; now: number }

/**
 * The owner restarted from a persisted snapshot: publish the pending action again with the SAME
 * id (the actuator ignores a repeat and re-sends its stored result) and re-arm its deadline from
 * `now`, so the downtime does not count as the actuator's silence.
 */
export interface ResumeEvent { type: 'RESUME'; now: number }

/** The actuator's answer for one action (ignored unless `result.actionId` is the pending one). */
export interface ResultEvent { type: 'RESULT'; now: number; result: ActionResult }

/** Emitted by a machine: publish this action (a first send or a resend with the same id). */
export interface ActEmitted { type: 'act'; action: PendingAction }

/** Emitted by a machine: a decision worth an audit line that is not a state change. */
export interface NoteEmitted { type: 'note'; event: string; detail: Record<string, unknown> }

/** Everything a policy machine may emit (listen with `actor.on('*')`). */
export type PolicyEmitted = ActEmitted | NoteEmitted;

/**
 * The id of one step of one run: `<runId>_<step>`. Deterministic, so a replay or a resumed run
 * produces the same id, and a NATS subject token (no dots or colons).
 */
export function stepId(runId: string, step: string): string {
  return `${runId}_${step}`;
}

/** A new pending action sent at `now`. */
export function pendingAction(
  a: { actionId: string; type: ActionType; params: Record<string, unknown>; reason: string; compensates?: string },
  now: number,
  timeoutS: number,
): PendingAction {
  return { ...a, sentAt: now, deadline: now + timeoutS * 1000, timeoutMs: timeoutS * 1000, sends: 1 };
}

/** The pending action sent again at `now` (same id), with its deadline re-armed. */
export function resent(p: PendingAction, now: number): PendingAction {
  return { ...p, sends: p.sends + 1, deadline: now + p.timeoutMs };
}

/** Whether a result answers the pending action (late answers to older steps are ignored). */
export function answers(pending: PendingAction | null, ev: ResultEvent): boolean {
  return pending !== null && ev.result.actionId === pending.actionId;
}

/** `applied`, `duplicate` (applied before) and `dry-run` move a step on; `failed` does not. */
export function succeeded(ev: ResultEvent): boolean {
  return ev.result.status !== 'failed';
}

/** A token-safe form of any id (incident ids may hold any character). */
export function tokenOf(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}
