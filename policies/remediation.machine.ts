/**
 * One remediation run per incident (seed 001 §3.4.2), a saga:
 *
 *   preValidation → snapshot → executing (phase 1..n) → postValidation → done
 *                                   ↘ (circuit breaker open)   ↘ (check failed)
 *                                     rollingBack (executed phases in reverse) → rolledBack | escalated
 *
 * A check that failed on demand the fix was never sized for (remediation-plan.ts `outgrown`: a
 * capacity fix met more load than it added) ends `done` rather than undoing that capacity.
 *
 * Every non-final state has a deadline in context (pre-validation timeout, phase timeout,
 * post-validation window from the last step's effect, undo timeout) and every deadline leads to another state, so a run
 * always ends in `done`, `rolledBack` or `escalated` (final). A failed or timed-out phase is
 * retried under a new step id until the breaker opens; an undo that keeps failing is recorded
 * and the run ends `escalated`. Dry run: actions go out with dryRun, nothing counts as applied,
 * there is nothing to validate or undo. Deadlines fire on `TICK` (see machine-kit.ts).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { AggWindow } from '../runtime/contracts/index.js';
import {
  answers, pendingAction, resent, stepId, succeeded,
  type PendingAction, type PolicyEmitted, type ResultEvent, type ResumeEvent, type TickEvent,
} from './machine-kit.js';
import { capacityAdded, checkPasses, checkSample, compensation, failedPreconditions, outgrown, stateOf, type WindowSeen } from './remediation-plan.js';
import { readMetric } from './metric-read.js';
import type { CatalogueEntry, RemediationSettings } from './schema.js';

/** A phase whose action succeeded; `applied` is false for a dry run. */
export interface ExecutedStep {
  phase: number; actionId: string; type: PendingAction['type']; params: Record<string, unknown>;
  applied: boolean; before: Record<string, unknown>; after: Record<string, unknown>; at: number;
}

/** How a run ended (the machine's output): which final state, why, and when (event ms). */
export type RemediationOutcome = { status: 'done' | 'rolledBack' | 'escalated'; reason: string; at: number };

/** One remediation run; times are event ms. */
export interface RemediationContext {
  runId: string; incidentId: string; service: string;
  entry: CatalogueEntry;
  settings: Pick<RemediationSettings, 'breakerThreshold' | 'preValidationTimeoutS' | 'undoTimeoutS' | 'undoAttempts'>;
  dryRun: boolean;
  now: number;
  /** the deadline of the current state (event time, ms) */
  deadline: number;
  /** the receipt taken before acting: the state to come back to */
  receipt: { at: number; metrics: Record<string, number>; instances: number | null } | null;
  phase: number;
  attempt: number;
  /** consecutive failed attempts (the circuit breaker opens at settings.breakerThreshold) */
  failures: number;
  pending: PendingAction | null;
  executed: ExecutedStep[];
  /** executed steps still to undo, in order (reverse of execution) */
  undoQueue: number[];
  undoFailures: string[];
  samples: number[];
  /** the service's rps and latency in each of those windows (absent in older snapshots): was the check failed by more demand? */
  seen?: WindowSeen[];
  incidentResolved: boolean;
  reason: string;
  outcome: RemediationOutcome | null;
}

/** Starts a run of one catalogue entry for one incident; `now` starts the pre-validation deadline. */
export interface RemediationInput {
  runId: string; incidentId: string; service: string; entry: CatalogueEntry;
  settings: RemediationContext['settings']; dryRun: boolean; now: number;
}

/**
 * START carries the service's latest window for the preconditions and the receipt, METRICS the
 * windows post-validation reads, RESULT the actuator's answers, TICK / RESUME time and restarts.
 */
export type RemediationEvent =
  | TickEvent
  | ResultEvent
  | ResumeEvent
  | { type: 'START'; now: number; window?: AggWindow; worthIt?: boolean; requireWorthIt?: boolean }
  | { type: 'METRICS'; now: number; window: AggWindow }
  | { type: 'INCIDENT_RESOLVED'; now: number };

const ok = ({ context, event }: { context: RemediationContext; event: RemediationEvent }): boolean =>
  event.type === 'RESULT' && answers(context.pending, event) && succeeded(event);
const failed = ({ context, event }: { context: RemediationContext; event: RemediationEvent }): boolean =>
  (event.type === 'RESULT' && answers(context.pending, event) && !succeeded(event))
  || (event.type !== 'RESULT' && context.pending !== null && context.now >= context.deadline);
const due = ({ context }: { context: RemediationContext }): boolean => context.now >= context.deadline;
const lastPhase = ({ context }: { context: RemediationContext }): boolean => context.phase + 1 >= context.entry.phases.length;
const breakerOpens = ({ context }: { context: RemediationContext }): boolean => context.failures + 1 >= context.settings.breakerThreshold;

/**
 * When the last step took effect: the actuator's `after.effectiveAt` (a rollback deploys for a
 * minute, a block lands in 15 s), else when its result came. Post-validation reads only windows
 * from then on and lasts its full window after it: a window still half-broken is not a verdict.
 */
function effectiveSince(context: RemediationContext): number {
  const last = context.executed.at(-1);
  if (!last) return context.now;
  const at = last.after.effectiveAt;
  return typeof at === 'number' && Number.isFinite(at) ? Math.max(last.at, at) : last.at;
}

/** Why a failed check keeps the fix (remediation-plan.ts `outgrown`), or null: it did not outgrow it. */
function outgrownBy(context: RemediationContext): string | null {
  const added = capacityAdded(context.executed);
  const grew = outgrown(context.entry.postValidation, context.receipt?.metrics, added, context.seen ?? []);
  return grew === null ? null
    : `post-validation failed on x${grew.toFixed(2)} the demand of the receipt, with x${added.toFixed(2)} capacity added: outgrown, kept`;
}

function preProblems(context: RemediationContext, event: RemediationEvent): string | null {
  if (event.type !== 'START') return null;
  if (event.requireWorthIt && event.worthIt === false) return 'the strategist judged the intervention not worth it';
  const failedConds = failedPreconditions(context.entry, event.window);
  return failedConds.length ? `preconditions failed: ${failedConds.join('; ')}` : null;
}

/** The remediation machine (see the file comment); emits `act` per step and `note` for receipt, failures, impossible undo. */
export const remediationMachine = setup({
  types: {
    context: {} as RemediationContext,
    events: {} as RemediationEvent,
    input: {} as RemediationInput,
    emitted: {} as PolicyEmitted,
    output: {} as RemediationOutcome,
  },
  guards: {
    ok, failed, due, lastPhase, breakerOpens,
    preFails: ({ context, event }) => preProblems(context, event) !== null,
    nothingApplied: ({ context }) => context.executed.every((s) => !s.applied),
    checkPasses: ({ context }) => checkPasses(context.entry.postValidation, context.samples),
    noSamples: ({ context }) => context.samples.length === 0,
    undoFinished: ({ context }) => context.pending === null && context.undoQueue.length === 0,
    undoFailed: ({ context }) => context.undoFailures.length > 0,
    canRetryUndo: ({ context }) => context.attempt < context.settings.undoAttempts,
  },
  actions: {
    setNow: assign(({ context, event }) => ({ now: Math.max(context.now, event.now) })),
    because: assign((_, params: { reason: string }) => ({ reason: params.reason })),
    refuse: assign(({ context, event }) => ({ reason: preProblems(context, event) ?? '' })),
    takeReceipt: assign(({ context, event }) => ({
      receipt: { at: context.now, ...stateOf(event.type === 'START' ? event.window : undefined) },
    })),
    noteReceipt: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'note', event: 'receipt', detail: { ...context.receipt, entry: context.entry.id, undo: context.entry.phases.map((p) => p.undo) } });
    }),
    startPhase: assign(({ context }) => {
      const phase = context.entry.phases[context.phase];
      const step = context.attempt > 1 ? `p${context.phase}-${context.attempt}` : `p${context.phase}`;
      const pending = pendingAction({
        actionId: stepId(context.runId, step), type: phase.type, params: { ...phase.params },
        reason: `${context.entry.id} phase ${context.phase + 1}/${context.entry.phases.length} for incident ${context.incidentId}`,
      }, context.now, phase.timeoutS);
      return { pending, deadline: pending.deadline };
    }),
    act: enqueueActions(({ context, enqueue }) => {
      if (context.pending) enqueue.emit({ type: 'act', action: context.pending });
    }),
    recordStep: assign(({ context, event }) => {
      const p = context.pending as PendingAction;
      const r = event.type === 'RESULT' ? event.result : null;
      const step: ExecutedStep = {
        phase: context.phase, actionId: p.actionId, type: p.type, params: p.params, at: context.now,
        applied: r !== null && r.status !== 'dry-run', before: r?.before ?? {}, after: r?.after ?? {},
      };
      return { executed: [...context.executed, step], phase: context.phase + 1, attempt: 1, failures: 0, pending: null };
    }),
    recordFailure: enqueueActions(({ context, event, enqueue }) => {
      const why = event.type === 'RESULT' ? `failed: ${event.result.detail ?? 'no detail'}` : 'timed out';
      enqueue.emit({ type: 'note', event: 'phase-failed', detail: { actionId: context.pending?.actionId, phase: context.phase, why } });
      enqueue.assign({ failures: context.failures + 1, attempt: context.attempt + 1, pending: null, reason: `phase ${context.phase + 1} ${why}` });
    }),
    openBreaker: assign(({ context }) => ({ reason: `circuit breaker open after ${context.failures} consecutive failure(s); ${context.reason}` })),
    startValidation: assign(({ context }) => ({
      samples: [], seen: [], deadline: Math.max(context.now, effectiveSince(context)) + context.entry.postValidation.windowS * 1000,
    })),
    collect: assign(({ context, event }) => {
      if (event.type !== 'METRICS' || event.window.start < effectiveSince(context)) return {};
      const v = checkSample(context.entry.postValidation, event.window);
      const rps = readMetric(event.window, 'rps', 'mean');
      const latencyMs = readMetric(event.window, 'latency_ms', 'mean');
      return {
        ...(v === undefined ? {} : { samples: [...context.samples, v] }),
        ...(rps === undefined ? {} : { seen: [...(context.seen ?? []), { rps, ...(latencyMs === undefined ? {} : { latencyMs }) }] }),
      };
    }),
    markResolved: assign({ incidentResolved: true }),
    resend: assign(({ context }) => {
      const pending = resent(context.pending as PendingAction, context.now);
      return { pending, deadline: pending.deadline };
    }),
    planUndo: assign(({ context }) => ({
      undoQueue: context.executed.map((_, i) => i).filter((i) => context.executed[i].applied).reverse(),
      attempt: 1, pending: null,
    })),
    startUndo: enqueueActions(({ context, enqueue }) => {
      if (context.pending) return; // a retry: startUndo already prepared it
      let queue = context.undoQueue;
      while (queue.length > 0) {
        const step = context.executed[queue[0]];
        // a phase the policy marks final (undo: null) is never undone: a rollback never re-deploys the version it left
        const comp = context.entry.phases[step.phase]?.undo === null ? null : compensation(step.type, step.before, step.after);
        if (comp) {
          const suffix = context.attempt > 1 ? `u${queue[0]}-${context.attempt}` : `u${queue[0]}`;
          const pending = pendingAction({
            actionId: stepId(context.runId, suffix), type: comp.type, params: comp.params,
            reason: `rollback of ${step.actionId} (${context.reason})`, compensates: step.actionId,
          }, context.now, context.settings.undoTimeoutS);
          enqueue.assign({ undoQueue: queue, pending, deadline: pending.deadline });
          enqueue.emit({ type: 'act', action: pending });
          return;
        }
        enqueue.emit({ type: 'note', event: 'undo-impossible', detail: { actionId: step.actionId, type: step.type } });
        queue = queue.slice(1);
      }
      enqueue.assign({ undoQueue: [], pending: null });
    }),
    undoNext: assign(({ context }) => ({ undoQueue: context.undoQueue.slice(1), pending: null, attempt: 1 })),
    undoRetry: assign(({ context }) => ({ pending: null, attempt: context.attempt + 1 })),
    undoGiveUp: assign(({ context }) => ({
      undoFailures: [...context.undoFailures, context.pending?.actionId ?? '?'],
      undoQueue: context.undoQueue.slice(1), pending: null, attempt: 1,
    })),
    finish: assign(({ context }, params: { status: RemediationOutcome['status']; reason?: string }) => ({
      outcome: { status: params.status, reason: params.reason ?? context.reason, at: context.now },
      pending: null,
    })),
  },
}).createMachine({
  id: 'remediation',
  context: ({ input }) => ({
    runId: input.runId, incidentId: input.incidentId, service: input.service, entry: input.entry, settings: input.settings,
    dryRun: input.dryRun, now: input.now, deadline: input.now + input.settings.preValidationTimeoutS * 1000,
    receipt: null, phase: 0, attempt: 1, failures: 0, pending: null, executed: [], undoQueue: [], undoFailures: [],
    samples: [], incidentResolved: false, reason: '', outcome: null,
  }),
  initial: 'preValidation',
  on: {
    TICK: { actions: 'setNow' },
    METRICS: { actions: 'setNow' },
    INCIDENT_RESOLVED: { actions: ['setNow', 'markResolved'] },
    RESUME: { guard: ({ context }) => context.pending !== null, actions: ['setNow', 'resend', 'act'] },
  },
  states: {
    preValidation: {
      on: {
        START: [
          { guard: 'preFails', target: 'escalated', actions: ['setNow', 'refuse'] },
          { target: 'snapshot', actions: ['setNow', 'takeReceipt'] },
        ],
        INCIDENT_RESOLVED: { target: 'done', actions: ['setNow', { type: 'because', params: { reason: 'incident resolved before any action' } }] },
      },
      always: { guard: 'due', target: 'escalated', actions: { type: 'because', params: { reason: 'pre-validation timed out' } } },
    },
    snapshot: {
      entry: 'noteReceipt',
      always: { target: 'executing' },
    },
    executing: {
      entry: ['startPhase', 'act'],
      on: {
        RESULT: [
          { guard: ({ context, event }) => ok({ context, event }) && lastPhase({ context }), target: 'postValidation', actions: ['setNow', 'recordStep'] },
          { guard: 'ok', target: 'executing', reenter: true, actions: ['setNow', 'recordStep'] },
          { guard: ({ context, event }) => failed({ context, event }) && breakerOpens({ context }), target: 'rollingBack', actions: ['setNow', 'recordFailure', 'openBreaker', 'planUndo'] },
          { guard: 'failed', target: 'executing', reenter: true, actions: ['setNow', 'recordFailure'] },
        ],
      },
      always: [
        { guard: ({ context, event }) => failed({ context, event }) && breakerOpens({ context }), target: 'rollingBack', actions: ['recordFailure', 'openBreaker', 'planUndo'] },
        { guard: 'failed', target: 'executing', reenter: true, actions: 'recordFailure' },
      ],
    },
    postValidation: {
      entry: 'startValidation',
      on: {
        METRICS: { actions: ['setNow', 'collect'] },
        INCIDENT_RESOLVED: { target: 'done', actions: ['setNow', { type: 'because', params: { reason: 'incident resolved' } }] },
      },
      always: [
        { guard: 'nothingApplied', target: 'done', actions: { type: 'because', params: { reason: 'dry run: every phase sent, nothing applied' } } },
        { guard: ({ context }) => due({ context }) && context.samples.length === 0, target: 'escalated', actions: { type: 'because', params: { reason: 'post-validation: no data over its window' } } },
        { guard: ({ context }) => due({ context }) && checkPasses(context.entry.postValidation, context.samples), target: 'done', actions: { type: 'because', params: { reason: 'post-validation passed' } } },
        { guard: ({ context }) => due({ context }) && outgrownBy(context) !== null, target: 'done', actions: assign(({ context }) => ({ reason: outgrownBy(context) ?? '' })) },
        { guard: 'due', target: 'rollingBack', actions: [{ type: 'because', params: { reason: 'post-validation failed' } }, 'planUndo'] },
      ],
    },
    rollingBack: {
      entry: 'startUndo',
      on: {
        RESULT: [
          { guard: 'ok', target: 'rollingBack', reenter: true, actions: ['setNow', 'undoNext'] },
          { guard: ({ context, event }) => failed({ context, event }) && context.attempt < context.settings.undoAttempts, target: 'rollingBack', reenter: true, actions: ['setNow', 'undoRetry'] },
          { guard: 'failed', target: 'rollingBack', reenter: true, actions: ['setNow', 'undoGiveUp'] },
        ],
      },
      always: [
        { guard: ({ context }) => context.pending === null && context.undoQueue.length === 0 && context.undoFailures.length > 0, target: 'escalated' },
        { guard: 'undoFinished', target: 'rolledBack' },
        { guard: ({ context, event }) => failed({ context, event }) && context.attempt < context.settings.undoAttempts, target: 'rollingBack', reenter: true, actions: 'undoRetry' },
        { guard: 'failed', target: 'rollingBack', reenter: true, actions: 'undoGiveUp' },
      ],
    },
    done: { type: 'final', entry: { type: 'finish', params: { status: 'done' } } },
    rolledBack: { type: 'final', entry: { type: 'finish', params: { status: 'rolledBack' } } },
    escalated: { type: 'final', entry: { type: 'finish', params: { status: 'escalated' } } },
  },
  output: ({ context }) => context.outcome as RemediationOutcome,
});
