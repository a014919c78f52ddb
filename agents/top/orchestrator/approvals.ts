/**
 * The orchestrator's side of approval gates: sits between the brain's actions and the bus,
 * persists the waits beside the run snapshots, answers the `approvals` endpoint (ls, approve,
 * deny) and, once a second, refuses the waits whose deadline passed or whose run moved on.
 * The logic lives in approval-gate.ts; this file is wiring.
 */
import type { Action, ActionResult, AuditEvent } from '../../../runtime/contracts/index.js';
import { ApprovalGate, approvalAudit, approvalView, type ApprovalPolicy, type GateState, type PendingApproval } from './approval-gate.js';
import type { OrchestratorBrain, OrchestratorOutput } from './brain-types.js';

/** KV key (snapshot bucket) of the gate's state; not a policy run. */
export const APPROVALS_KEY = 'approval-gate';

export interface ApprovalDeps {
  brain(): OrchestratorBrain | null;
  publish(out: OrchestratorOutput): void;
  audit(e: AuditEvent): void;
  persist(state: GateState): void;
  /** event time (audit lines) */
  now(): number;
  /** wall clock (deadlines: a human's time) */
  wallNow(): number;
}

export interface ApprovalRequest { op?: string; id?: string; by?: string; reason?: string }

export class Approvals {
  #gate: ApprovalGate;

  constructor(policy: ApprovalPolicy, private readonly deps: ApprovalDeps) {
    this.#gate = new ApprovalGate(policy);
  }

  setPolicy(policy: ApprovalPolicy): void { this.#gate.setPolicy(policy); }
  holdsRun(runId: string): boolean { return this.#gate.holdsRun(runId); }

  /** On taking the lease: the waits persisted by the previous leader. */
  restore(value: unknown, policy: ApprovalPolicy): void {
    const v = value as Partial<GateState> | undefined;
    this.#gate = new ApprovalGate(policy, v && Array.isArray(v.pending) && Array.isArray(v.approved) ? v as GateState : null);
  }

  /** A new run (begin-run): every wait is withdrawn (audited), nothing is remembered. */
  clear(): void {
    for (const p of this.#gate.list()) {
      this.deps.audit(approvalAudit(p, { from: 'pending-approval', to: 'withdrawn', event: 'RESET', ts: this.deps.now(), incidentId: this.#incidentOf(p.action.runId) }));
    }
    this.#gate.clear();
    this.deps.persist(this.#gate.state());
  }

  /** The actions to publish now; the others wait (each new wait audited as pending-approval). */
  filter(actions: Action[]): Action[] {
    const out: Action[] = [];
    let changed = false;
    for (const a of actions) {
      const verdict = this.#gate.submit(a, this.deps.wallNow());
      if (verdict === 'publish') { out.push(a); continue; }
      if (verdict === 'held') {
        changed = true;
        this.deps.audit(approvalAudit(this.#gate.get(a.actionId)!, { from: 'requested', to: 'pending-approval', event: 'REQUEST', ts: this.deps.now(), incidentId: this.#incidentOf(a.runId) }));
      }
    }
    if (changed) this.deps.persist(this.#gate.state());
    return out;
  }

  list(): Record<string, unknown>[] { return this.#gate.list().map((p) => approvalView(p, this.deps.wallNow())); }

  /** The `approvals` endpoint: {op: 'ls'} or {op: 'approve'|'deny', id, by?, reason?}. */
  handle(req: ApprovalRequest): unknown {
    if (req.op === undefined || req.op === 'ls') return this.list();
    if ((req.op !== 'approve' && req.op !== 'deny') || typeof req.id !== 'string') throw new Error("request must be {op: 'ls'} or {op: 'approve'|'deny', id, by?, reason?}");
    const p = this.#gate.get(req.id);
    if (!p) return { error: `no action ${req.id} waits for approval (vigil approvals lists them)` };
    const by = typeof req.by === 'string' && req.by !== '' ? req.by.slice(0, 128) : 'operator';
    if (req.op === 'approve') this.#approve(p, by);
    else this.#refuse(p, 'denied', 'DENY', `denied by ${by}${req.reason ? `: ${req.reason}` : ''}`, { by, ...(req.reason ? { why: req.reason } : {}) });
    return { ...approvalView(p, this.deps.wallNow()), status: req.op === 'approve' ? 'approved' : 'denied', by };
  }

  /** Once a second: refuse what ran out of time, drop what its run no longer waits for. */
  tick(): void {
    const brain = this.deps.brain();
    if (!brain) return;
    for (const p of this.#gate.due(this.deps.wallNow())) {
      this.#refuse(p, 'expired', 'DEADLINE', 'approval deadline passed: nobody decided', { escalate: true });
    }
    const waiting = new Set(this.#runs(brain).map((r) => r.pending));
    for (const p of this.#gate.list()) {
      if (waiting.has(p.action.actionId)) continue;
      this.#gate.settle(p.action.actionId);
      this.deps.audit(approvalAudit(p, { from: 'pending-approval', to: 'withdrawn', event: 'RUN_ENDED', ts: this.deps.now(), incidentId: this.#incidentOf(p.action.runId) }));
      this.deps.persist(this.#gate.state());
    }
  }

  #approve(p: PendingApproval, by: string): void {
    const brain = this.deps.brain();
    if (!brain) throw new Error('this orchestrator is on standby: ask the lease holder');
    this.#gate.allow(p.action.actionId);
    this.deps.audit(approvalAudit(p, { from: 'pending-approval', to: 'approved', event: 'APPROVE', ts: this.deps.now(), incidentId: this.#incidentOf(p.action.runId), extra: { by } }));
    // Released while still held: the run re-sends the action (same id, now let through) before its old deadline is read.
    this.deps.publish(brain.release(p.action.runId, this.deps.now()));
    this.#gate.settle(p.action.actionId);
    this.deps.persist(this.#gate.state());
  }

  #refuse(p: PendingApproval, to: 'denied' | 'expired', event: string, detail: string, extra: Record<string, unknown>): void {
    const brain = this.deps.brain();
    if (!brain) throw new Error('this orchestrator is on standby: ask the lease holder');
    const a = p.action;
    this.deps.audit(approvalAudit(p, { from: 'pending-approval', to, event, ts: this.deps.now(), incidentId: this.#incidentOf(a.runId), extra }));
    const failed: ActionResult = { actionId: a.actionId, service: a.service, type: a.type, status: 'failed', before: {}, after: {}, detail, ts: this.deps.now() };
    this.deps.publish(brain.onActionResult(failed, this.deps.now()));
    this.#gate.settle(a.actionId);
    this.deps.persist(this.#gate.state());
  }

  #runs(brain: OrchestratorBrain): { runId: string; incidentId: string | null; pending: string | null }[] {
    return ((brain.state() as { runs?: { runId: string; incidentId: string | null; pending: string | null }[] }).runs) ?? [];
  }

  #incidentOf(runId: string): string | null {
    const brain = this.deps.brain();
    return brain ? this.#runs(brain).find((r) => r.runId === runId)?.incidentId ?? null : null;
  }
}
