/**
 * Approval gates (DESIGN §9): a policy reserves some actions to humans. An action that matches
 * a rule (its type, its service, or both) is not published: it waits as `pending-approval`
 * until an operator approves it (`vigil approve <id>`: published with the same id), denies it
 * (`vigil deny <id>`: the run hears a failure), or its deadline passes (the run hears a
 * failure, and the audit says `expired` so the notifier escalates). While an action waits, its
 * run is held: its deadlines do not run out under the human's feet.
 *
 * Pure: wall-clock time is passed in; the owner publishes what the returned audit lines say.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Action, AuditEvent } from '../../../runtime/contracts/index.js';
import { ActionType, Token } from '../../../runtime/contracts/index.js';

export const ApprovalRule = Type.Object({
  types: Type.Optional(Type.Array(ActionType, { minItems: 1, description: 'action types that need a human' })),
  services: Type.Optional(Type.Array(Token, { minItems: 1, description: 'services whose actions need a human' })),
}, { additionalProperties: false, description: 'matches an action whose type AND service are listed (an absent list matches any)' });

export const ApprovalPolicy = Type.Object({
  rules: Type.Array(ApprovalRule, { default: [], description: 'an action matching any rule waits for a human' }),
  deadlineS: Type.Number({ exclusiveMinimum: 0, maximum: 7 * 86_400, default: 900, description: 'wall-clock seconds before an undecided action is refused and escalated' }),
}, { additionalProperties: false, default: {} });
export type ApprovalPolicy = Static<typeof ApprovalPolicy>;

/** One action waiting for a human. Times are wall-clock ms. */
export interface PendingApproval { action: Action; requestedAt: number; deadline: number }

/** What the gate persists. */
export interface GateState { pending: PendingApproval[]; approved: string[] }

/** How many approved ids are remembered (a resend of an approved action passes through). */
const KEEP_APPROVED = 1000;

export class ApprovalGate {
  readonly #pending = new Map<string, PendingApproval>();
  #approved: string[] = [];

  constructor(private policy: ApprovalPolicy, restore?: GateState | null) {
    for (const p of restore?.pending ?? []) this.#pending.set(p.action.actionId, p);
    this.#approved = [...(restore?.approved ?? [])];
  }

  setPolicy(policy: ApprovalPolicy): void { this.policy = policy; }

  /** Whether a rule reserves this action to a human (a dry run changes nothing: never). */
  needsHuman(a: Action): boolean {
    if (a.dryRun) return false;
    return this.policy.rules.some((r) => (!r.types || r.types.includes(a.type)) && (!r.services || r.services.includes(a.service)));
  }

  /**
   * An action the brain wants published: 'publish' (no rule, or approved already), 'held' (now
   * waiting: audit the request), 'waiting' (a resend of one already waiting: nothing to do).
   */
  submit(a: Action, wallNow: number): 'publish' | 'held' | 'waiting' {
    if (this.#approved.includes(a.actionId) || !this.needsHuman(a)) return 'publish';
    if (this.#pending.has(a.actionId)) return 'waiting';
    this.#pending.set(a.actionId, { action: a, requestedAt: wallNow, deadline: wallNow + this.policy.deadlineS * 1000 });
    return 'held';
  }

  /** Whether the run waits for a human (the brain holds its deadlines). */
  holdsRun(runId: string): boolean {
    for (const p of this.#pending.values()) if (p.action.runId === runId) return true;
    return false;
  }

  get(actionId: string): PendingApproval | undefined { return this.#pending.get(actionId); }

  /**
   * Lets an approved action through from now on (the run's re-send is published), while its run
   * stays held until `settle`: the re-send must come before its old deadline is looked at.
   */
  allow(actionId: string): void {
    if (!this.#approved.includes(actionId)) this.#approved = [...this.#approved, actionId].slice(-KEEP_APPROVED);
  }

  /** Ends a wait (an approved one was `allow`ed first). */
  settle(actionId: string): PendingApproval | undefined {
    const p = this.#pending.get(actionId);
    this.#pending.delete(actionId);
    return p;
  }

  /** The waits whose deadline passed at `wallNow` (still pending: settle them). */
  due(wallNow: number): PendingApproval[] { return this.list().filter((p) => p.deadline <= wallNow); }

  list(): PendingApproval[] { return [...this.#pending.values()].sort((a, b) => a.requestedAt - b.requestedAt); }

  state(): GateState { return { pending: this.list(), approved: this.#approved }; }

  clear(): void { this.#pending.clear(); this.#approved = []; }
}

/** The audit line of a wait starting or ending (machine 'approval'; the notifier reads these). */
export function approvalAudit(
  p: PendingApproval, step: { from: string; to: string; event: string; ts: number; incidentId?: string | null; extra?: Record<string, unknown> },
): AuditEvent {
  const a = p.action;
  const e: AuditEvent = {
    runId: a.runId, machine: 'approval', service: a.service, from: step.from, to: step.to, event: step.event, ts: step.ts,
    detail: { actionId: a.actionId, type: a.type, params: a.params, reason: a.reason, deadline: new Date(p.deadline).toISOString(), ...step.extra },
  };
  if (step.incidentId) e.incidentId = step.incidentId;
  return e;
}

/** How `vigil approvals` shows a wait. */
export function approvalView(p: PendingApproval, wallNow: number): Record<string, unknown> {
  return {
    id: p.action.actionId, runId: p.action.runId, service: p.action.service, type: p.action.type, params: p.action.params,
    reason: p.action.reason, requestedAt: new Date(p.requestedAt).toISOString(), deadline: new Date(p.deadline).toISOString(),
    secondsLeft: Math.max(0, Math.round((p.deadline - wallNow) / 1000)),
  };
}
