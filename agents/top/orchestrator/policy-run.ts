import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import type { Action, AuditEvent } from '../../../runtime/contracts/index.js';
import { escalationMachine } from '../../../policies/escalation.machine.js';
import type { PendingAction, PolicyEmitted } from '../../../policies/machine-kit.js';
import { remediationMachine } from '../../../policies/remediation.machine.js';
import { scalingMachine } from '../../../policies/scaling.machine.js';
import type { Outbox } from './brain-types.js';
import type { RunInputs } from './run-inputs.js';

const MACHINES = { scaling: scalingMachine, remediation: remediationMachine, escalation: escalationMachine } as const;
/** The three kinds of run the orchestrator owns. */
export type RunKind = keyof typeof MACHINES;

/** Who a run is: persisted beside its snapshot. */
export interface RunMeta { kind: RunKind; runId: string; service: string; incidentId?: string; dryRun: boolean }

/**
 * The KV value of a run: its identity and xstate's persisted snapshot, whose shared inputs
 * (SHARED_INPUTS) are left out of the context and named in `inputs` (field → key of a RunInputs entry).
 */
export interface PersistedRun extends RunMeta { snapshot: unknown; inputs?: Record<string, string> }

type AnyRunActor = Actor<AnyStateMachine>;

/**
 * One live policy machine and its bookkeeping: it turns what the machine emits into actions and
 * audit lines, audits every state change, and persists the snapshot whenever it changed
 * (deleted once the run is final). Every call goes through an Outbox.
 */
export class PolicyRun {
  readonly #actor: AnyRunActor;
  readonly #emitted: PolicyEmitted[] = [];
  #persisted = '';
  readonly #ids = new WeakMap<object, number>();
  #nextId = 0;

  private constructor(readonly meta: RunMeta, actor: AnyRunActor, private readonly inputs: RunInputs) {
    this.#actor = actor;
    actor.on('*', (e) => { this.#emitted.push(e as PolicyEmitted); });
    actor.start();
  }

  /** Starts a new run of `meta.kind` with its input (emissions of the initial state are flushed into `out`). */
  static start(meta: RunMeta, input: unknown, out: Outbox, now: number, inputs: RunInputs): PolicyRun {
    const machine = MACHINES[meta.kind] as AnyStateMachine;
    const run = new PolicyRun(meta, createActor(machine, { input }) as AnyRunActor, inputs);
    out.audit.push(run.#audit('(new)', run.value, 'START', now, run.#describe()));
    run.#flush(out, now);
    return run;
  }

  /**
   * Rebuilds a run from its persisted value, its shared inputs taken from `inputs`.
   * @throws when the value is not a PersistedRun of a known machine, or names an input the bucket lacks
   */
  static restore(value: unknown, inputs: RunInputs): PolicyRun {
    const v = value as Partial<PersistedRun> | null;
    if (!v || typeof v !== 'object' || !v.kind || !(v.kind in MACHINES) || typeof v.runId !== 'string' || typeof v.service !== 'string' || !v.snapshot) {
      throw new Error('not a persisted policy run');
    }
    if (v.inputs !== undefined && (typeof v.inputs !== 'object' || v.inputs === null || !Object.values(v.inputs).every((k) => typeof k === 'string'))) {
      throw new Error('not a persisted policy run: inputs must map fields to input keys');
    }
    const meta: RunMeta = { kind: v.kind, runId: v.runId, service: v.service, dryRun: v.dryRun === true, ...(v.incidentId ? { incidentId: v.incidentId } : {}) };
    const machine = MACHINES[meta.kind] as AnyStateMachine;
    const snapshot = withInputs(v.snapshot as { context?: Record<string, unknown> }, v.inputs ?? {}, inputs);
    const run = new PolicyRun(meta, createActor(machine, { snapshot: snapshot as never }) as AnyRunActor, inputs);
    run.#persisted = run.#fingerprint();
    return run;
  }

  get value(): string { return String(this.#actor.getSnapshot().value); }
  get done(): boolean { return this.#actor.getSnapshot().status === 'done'; }
  /** the machine's context (typed by `meta.kind`; read-only use) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- three machines, one wrapper
  get context(): any { return this.#actor.getSnapshot().context; }
  get output(): unknown { return this.#actor.getSnapshot().output; }
  get pending(): PendingAction | null { return (this.context as { pending?: PendingAction | null }).pending ?? null; }

  /**
   * The earliest event time at which a TICK can change this run: its nearest deadline
   * (action timeout, end of validation or cooldown, next escalation). Before it, a TICK would
   * only move the context's clock, so the brain skips it (the costliest part of a long run).
   */
  nextDue(): number {
    const c = this.context as Record<string, unknown> & { pending?: { deadline?: number } | null };
    const times = [c.deadline, c.pending?.deadline, c.validateUntil, c.cooldownUntil, c.nextAt].filter((t): t is number => typeof t === 'number');
    return times.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...times);
  }

  /** Sends one event; whatever it caused lands in `out`. Events to a finished run are ignored. */
  send(event: { type: string; now: number }, out: Outbox): void {
    if (this.done) return;
    const from = this.value;
    this.#actor.send(event as never);
    const moved = this.value !== from;
    if (moved) out.audit.push(this.#audit(from, this.value, event.type, event.now, this.#describe()));
    // A TICK that fired nothing only moved the context's `now`, which is not persisted: skip the
    // snapshot comparison, the costliest part of a run (every run gets a TICK every watermark).
    const quietTick = event.type === 'TICK' && !moved && this.#emitted.length === 0 && !this.done;
    this.#flush(out, event.now, quietTick);
  }

  #flush(out: Outbox, now: number, skipSnapshot = false): void {
    for (const e of this.#emitted.splice(0)) {
      if (e.type === 'act') out.actions.push(this.#action(e.action, now));
      else out.audit.push(this.#audit(this.value, this.value, e.event, now, e.detail));
    }
    if (skipSnapshot) return;
    const key = this.done ? 'null' : this.#fingerprint();
    if (key !== this.#persisted) {
      this.#persisted = key;
      out.snapshots.push({ key: this.meta.runId, value: this.done ? null : this.#persistable(out.snapshots) });
    }
  }

  /**
   * What decides whether the snapshot must be written again: state and context, but for the
   * context's `now` (every TICK moves it; a restored run catches up on its first TICK) and with
   * the large read-only inputs (policy, catalogue entry, escalation table) compared by identity.
   */
  #fingerprint(): string {
    const snap = this.#actor.getSnapshot() as { value: unknown; status: string; context: Record<string, unknown> };
    const context: Record<string, unknown> = { ...snap.context, now: 0 };
    for (const field of STATIC_INPUTS) if (context[field] !== undefined) context[field] = this.#identity(context[field]);
    return JSON.stringify([snap.value, snap.status, context]);
  }

  #identity(value: unknown): string {
    if (typeof value !== 'object' || value === null) return String(value);
    let id = this.#ids.get(value);
    if (id === undefined) this.#ids.set(value, (id = ++this.#nextId));
    return `#${id}`;
  }

  /** The run as KV keeps it: its shared inputs by reference (their first write queued in `writes`, ahead of the run's). */
  #persistable(writes: Outbox['snapshots']): PersistedRun {
    const snapshot = this.#actor.getPersistedSnapshot() as unknown as { context: Record<string, unknown> };
    const context = { ...snapshot.context };
    const inputs: Record<string, string> = {};
    for (const field of SHARED_INPUTS) {
      const value = context[field];
      if (typeof value !== 'object' || value === null) continue;
      inputs[field] = this.inputs.refer(value, writes);
      delete context[field];
    }
    return { ...this.meta, inputs, snapshot: { ...snapshot, context } };
  }

  #action(p: PendingAction, now: number): Action {
    const a: Action = {
      actionId: p.actionId, runId: this.meta.runId, type: p.type, service: this.meta.service, params: p.params,
      dryRun: this.meta.dryRun, reason: p.reason, ts: now,
    };
    if (p.compensates) a.compensates = p.compensates;
    return a;
  }

  #audit(from: string, to: string, event: string, ts: number, detail: Record<string, unknown>): AuditEvent {
    const e: AuditEvent = { runId: this.meta.runId, machine: this.meta.kind, service: this.meta.service, from, to, event, detail, ts };
    if (this.meta.incidentId) e.incidentId = this.meta.incidentId;
    return e;
  }

  /** The few context fields that explain a transition. */
  #describe(): Record<string, unknown> {
    const c = this.context;
    if (this.meta.kind === 'scaling') {
      // the change decided and why (a demand step names the plan's rps at the boot horizon and the learnt capacity)
      const planned = c.planned ? { reason: `${c.planned.trigger}: ${c.planned.reason}` } : {};
      return { pending: c.pending?.actionId ?? null, change: c.change?.actionId ?? null, cooldownUntil: c.cooldownUntil, size: c.size, ...planned };
    }
    if (this.meta.kind === 'remediation') {
      return { entry: c.entry.id, phase: c.phase, reason: c.reason, outcome: c.outcome, pending: c.pending?.actionId ?? null };
    }
    return { level: c.table.levels[c.level].level, nextAt: c.nextAt };
  }
}

/** Context fields that hold read-only inputs, compared by identity in the fingerprint. */
const STATIC_INPUTS = ['policy', 'entry', 'settings', 'table'] as const;

/**
 * The read-only inputs persisted once and referenced (run-inputs.ts): those many runs share. A
 * remediation's catalogue entry and settings are its own (measured parameters, SLO), written with it.
 */
const SHARED_INPUTS = ['policy', 'table'] as const;

/** A persisted snapshot with its referenced inputs put back into its context. */
function withInputs(snapshot: { context?: Record<string, unknown> }, refs: Record<string, string>, inputs: RunInputs): unknown {
  const entries = Object.entries(refs);
  if (entries.length === 0) return snapshot;
  const context = { ...snapshot.context };
  for (const [field, key] of entries) context[field] = inputs.get(key);
  return { ...snapshot, context };
}
