/**
 * One scaling machine per service deciding horizontal AND vertical changes, so that the two never
 * fight: one change at a time, then validation, then cooldown.
 *
 *   idle ⇄ breaching → acting (awaiting the result) → validating → cooldown → idle
 *                                     ↑____ demand outgrew ____↙  ↘ rollingBack → cooldown
 *
 * Inputs: `EVALUATE` (latest window with the predictor's capacity plan of that window, policy in
 * force), `FORECAST` (predictive), `RESULT`, `TICK`. The machine learns nothing itself: capacity
 * and demand come in the plan (DESIGN §4: the predictor owns demand and capacity).
 * A change that helped but left its metric over the threshold skips the rest of the cooldown
 * (validation.followUpWhileBreaching), and so does a scale-out the demand did not grow into
 * (`overshot`: the scale-in's stabilisation and peak memory guard that surplus); a demand scale-out (scaling-demand.ts) may start from
 * validating or cooldown: a measured surge does not wait. Deadlines are absolute event times in
 * context, checked after every event (machine-kit.ts): a restored snapshot only needs a `TICK`.
 */
import { and, assign, emit, not, setup } from 'xstate';
import { ActionTypes, type ActionType, type AggWindow, type CapacityPlan, type Forecast } from '../runtime/contracts/index.js';
import {
  answers, pendingAction, resent, stepId, succeeded,
  type PendingAction, type PolicyEmitted, type ResultEvent, type ResumeEvent, type TickEvent,
} from './machine-kit.js';
import {
  freshForecastNote, judge, limitsFor, observe, proposalKey, proposePredictive, proposeReactive, sampleOf,
  type Observation, type Proposal, type Sample,
} from './scaling-decide.js';
import { planOfWindow, proposeDemand } from './scaling-demand.js';
import type { ScalingPolicy } from './schema.js';

/** The change being validated: the proposal as applied. */
export interface AppliedChange extends Proposal { actionId: string; appliedAt: number; samples: Sample[] }

/** One service's scaling run; times are event ms. */
export interface ScalingContext {
  runId: string;
  service: string;
  /** predictive decisions are only recorded (note `forecast-only`), never acted on */
  forecastOnly: boolean;
  policy: ScalingPolicy;
  now: number;
  /** number of changes started: the step of the next action id */
  seq: number;
  /** vertical size factor in force (1 = the base size) */
  size: number;
  window: AggWindow | null;
  obs: Observation;
  /** the predictor's latest capacity plan (vigil.plan); absent in snapshots of older versions (which carried a `capacity` of their own, now unused) */
  plan?: CapacityPlan | null;
  proposal: Proposal | null;
  /** the proposal behind the pending action */
  planned: Proposal | null;
  pending: PendingAction | null;
  change: AppliedChange | null;
  validateUntil: number | null;
  cooldownUntil: number | null;
  lastNote: { key: string; ts: number } | null;
  counters: { changes: number; kept: number; rollbacks: number; failures: number; forecastOnly: number };
}

/** Starts the scaling run of a service; `size` is the vertical size factor in force (default 1). */
export interface ScalingInput { runId: string; service: string; policy: ScalingPolicy; forecastOnly?: boolean; size?: number }

/**
 * EVALUATE: the latest window of `policy.windowS`, with the predictor's plan of that window (null or
 * absent when none came: the latest plan stays, demand waits for a fresh one), the policy in force
 * and `hold` (a remediation is running on the service: observe, do not change capacity). FORECAST:
 * the predictor's view.
 */
export type ScalingEvent =
  | TickEvent
  | ResultEvent
  | ResumeEvent
  | { type: 'EVALUATE'; now: number; window: AggWindow; plan?: CapacityPlan | null; policy: ScalingPolicy; hold?: boolean }
  | { type: 'FORECAST'; now: number; forecast: Forecast; policy: ScalingPolicy };

const emptyObs = (): Observation => ({ breaches: {}, lowSince: null, recs: [], peaks: [] });
/** A fresh observation after a change: streaks and recommendations start over, the recent peaks stay (the load did not change). */
const freshObs = (obs: Observation): Observation => ({ ...emptyObs(), peaks: obs.peaks ?? [] });

const overdue = ({ context }: { context: ScalingContext }): boolean =>
  context.pending !== null && context.now >= context.pending.deadline;

const resultIs = (...statuses: string[]) => ({ context, event }: { context: ScalingContext; event: ScalingEvent }): boolean =>
  event.type === 'RESULT' && answers(context.pending, event) && statuses.includes(event.result.status);

/** The scaling machine (see the file comment); emits `act` per change, resend and rollback, `note` for verdicts and forecast-only. */
/** idle and breaching both watch windows and forecasts the same way. */
const observing = {
  EVALUATE: { actions: ['setNow', 'setPolicy', 'observe', 'propose'] },
  FORECAST: { actions: ['setNow', 'setPolicy', 'predict'] },
} as const;

export const scalingMachine = setup({
  types: { context: {} as ScalingContext, events: {} as ScalingEvent, input: {} as ScalingInput, emitted: {} as PolicyEmitted },
  guards: {
    hasProposal: ({ context }) => context.proposal !== null,
    breaching: ({ context }) => Object.keys(context.obs.breaches).length > 0,
    applied: resultIs('applied', 'duplicate'),
    dryRun: resultIs('dry-run'),
    failed: resultIs('failed'),
    overdue,
    canResend: ({ context }) => context.pending !== null && context.pending.sends <= context.policy.action.resends,
    validationDue: ({ context }) => context.validateUntil !== null && context.now >= context.validateUntil,
    verdictRollback: ({ context }) => context.change !== null && judge(context.change, context.change.samples, context.policy).verdict === 'rollback',
    cooldownOver: ({ context }) => context.cooldownUntil === null || context.now >= context.cooldownUntil,
    followUp: ({ context }) => context.change !== null && context.policy.validation.followUpWhileBreaching
      && judge(context.change, context.change.samples, context.policy).stillBreaching === true,
    overshot: ({ context }) => overshot(context),
  },
  actions: {
    setNow: assign(({ context, event }) => ({ now: Math.max(context.now, event.now), proposal: null })),
    setPolicy: assign(({ context, event }) => ('policy' in event ? { policy: event.policy } : { policy: context.policy })),
    observe: assign(({ context, event }) => {
      if (event.type !== 'EVALUATE') return {};
      const plan = event.plan ?? context.plan ?? null;
      return { window: event.window, obs: observe(context.obs, event.window, context.policy, context.service, plan), plan };
    }),
    propose: assign(({ context, event }) => {
      if (event.type !== 'EVALUATE') return {};
      const proposal = proposeReactive(context.obs, event.window, context.policy, context.service, context.size, context.plan ?? null);
      // while a remediation runs on the service, capacity may grow (an overload must not fail the fix) but never shrink
      return { proposal: event.hold && proposal?.type !== 'scale-out' ? null : proposal };
    }),
    proposeDemand: assign(({ context, event }) => {
      if (event.type !== 'EVALUATE') return {};
      const settled = context.validateUntil === null; // else a step in flight: its booting instances read no CPU yet
      return { proposal: proposeDemand(event.window, context.plan ?? null, context.policy, limitsFor(context.policy, context.service), settled, context.size) };
    }),
    predict: assign(({ context, event }) => {
      if (event.type !== 'FORECAST') return {};
      return { proposal: proposePredictive(event.forecast, context.window, context.policy, context.service, context.plan ?? null) };
    }),
    recordForecastOnly: assign(({ context }) => ({
      proposal: null,
      lastNote: { key: proposalKey(context.proposal), ts: context.now },
      counters: { ...context.counters, forecastOnly: context.counters.forecastOnly + 1 },
    })),
    dropProposal: assign({ proposal: null }),
    noteForecastOnly: emit(({ context }) => ({
      type: 'note' as const, event: 'forecast-only',
      detail: { would: { type: context.proposal?.type, params: context.proposal?.params }, reason: context.proposal?.reason },
    })),
    startAction: assign(({ context }) => {
      const p = context.proposal as Proposal;
      const seq = context.seq + 1;
      const action = pendingAction({
        actionId: stepId(context.runId, `a${seq}`), type: p.type, params: { ...p.params }, reason: `${p.trigger}: ${p.reason}`,
      }, context.now, context.policy.action.timeoutS);
      return { seq, pending: action, planned: p };
    }),
    act: emit(({ context }) => ({ type: 'act' as const, action: context.pending as PendingAction })),
    resend: assign(({ context }) => ({ pending: resent(context.pending as PendingAction, context.now) })),
    recordApplied: assign(({ context }) => {
      const pending = context.pending as PendingAction;
      const change: AppliedChange = { ...(context.planned as Proposal), actionId: pending.actionId, appliedAt: context.now, samples: [] };
      const scaleIn = change.type === 'scale-in';
      const shrink = scaleIn || change.type === 'scale-down';
      return { // recommendations are absolute replica counts: still valid after a scale-in, so scale-ins chain down a decay
        pending: null, planned: null, change, obs: scaleIn ? { ...context.obs, breaches: {} } : freshObs(context.obs), size: change.params.size ?? context.size,
        validateUntil: context.now + (shrink ? context.policy.validation.scaleInWindowS : context.policy.validation.windowS) * 1000,
        cooldownUntil: context.now + change.cooldownS * 1000,
        counters: { ...context.counters, changes: context.counters.changes + 1 },
      };
    }),
    recordNotApplied: assign(({ context, event }) => {
      const failed = event.type !== 'RESULT' || event.result.status === 'failed';
      const waitS = failed ? context.policy.action.failureBackoffS : context.planned?.cooldownS ?? 0;
      return {
        pending: null, planned: null, obs: freshObs(context.obs), cooldownUntil: context.now + waitS * 1000,
        counters: { ...context.counters, failures: context.counters.failures + (failed ? 1 : 0) },
      };
    }),
    noteNotApplied: emit(({ context, event }) => ({
      type: 'note' as const,
      event: event.type === 'RESULT' ? `action-${event.result.status}` : 'action-timeout',
      detail: { actionId: context.pending?.actionId, detail: event.type === 'RESULT' ? event.result.detail : `no result after ${context.pending?.sends} send(s)` },
    })),
    collect: assign(({ context, event }) => {
      const c = context.change;
      if (event.type !== 'EVALUATE' || !c || event.window.start < c.appliedAt) return {};
      return { change: { ...c, samples: [...c.samples, sampleOf(event.window, c.watch)] } };
    }),
    noteVerdict: emit(({ context }) => {
      const c = context.change as AppliedChange;
      const v = judge(c, c.samples, context.policy);
      return { type: 'note' as const, event: `validation-${v.verdict}`, detail: { actionId: c.actionId, trigger: c.trigger, ...v.detail } };
    }),
    endCooldown: assign({ cooldownUntil: null }),
    noteOutgrown: emit(({ context }) => ({
      type: 'note' as const, event: 'validation-outgrown',
      detail: { actionId: context.change?.actionId, next: context.proposal?.params, reason: context.proposal?.reason },
    })),
    recordKept: assign(({ context }) => ({ validateUntil: null, counters: { ...context.counters, kept: context.counters.kept + 1 } })),
    startUndo: assign(({ context }) => {
      const c = context.change as AppliedChange;
      const undo = ActionTypes[c.type].undo as ActionType;
      const key = c.type === 'scale-out' || c.type === 'scale-in' ? 'instances' : 'size';
      const to = c.params[key];
      return {
        validateUntil: null,
        pending: pendingAction({
          actionId: stepId(context.runId, `a${context.seq}-undo`), type: undo, params: { [key]: c.params.from, from: to },
          reason: `rollback of ${c.actionId}: ${c.type} did not help`, compensates: c.actionId,
        }, context.now, context.policy.action.timeoutS),
      };
    }),
    recordRolledBack: assign(({ context, event }) => {
      const c = context.change as AppliedChange;
      const ok = event.type === 'RESULT' && succeeded(event);
      // an undone change waits the longest cooldown: the reading that proposed it was wrong, retrying soon would flap
      const waitS = Math.max(c.cooldownS, ...Object.values(context.policy.triggers).map((t) => t.cooldownS));
      return {
        pending: null, obs: freshObs(context.obs), size: ok && c.params.size !== undefined ? c.params.from : context.size,
        cooldownUntil: Math.max(context.cooldownUntil ?? 0, context.now + waitS * 1000),
        counters: { ...context.counters, rollbacks: context.counters.rollbacks + 1, failures: context.counters.failures + (ok ? 0 : 1) },
      };
    }),
  },
}).createMachine({
  id: 'scaling',
  context: ({ input }) => ({
    runId: input.runId, service: input.service, forecastOnly: input.forecastOnly ?? false, policy: input.policy,
    now: 0, seq: 0, size: input.size ?? 1, window: null, obs: emptyObs(), plan: null, proposal: null, planned: null, pending: null, change: null,
    validateUntil: null, cooldownUntil: null, lastNote: null,
    counters: { changes: 0, kept: 0, rollbacks: 0, failures: 0, forecastOnly: 0 },
  }),
  initial: 'idle',
  on: {
    TICK: { actions: 'setNow' },
    RESUME: { guard: ({ context }) => context.pending !== null, actions: ['setNow', 'resend', 'act'] },
    EVALUATE: { actions: ['setNow', 'setPolicy', 'observe'] },
    FORECAST: { actions: ['setNow', 'setPolicy'] },
  },
  states: {
    idle: {
      on: observing,
      always: [
        { guard: and([forecastOnly, freshNote]), actions: ['noteForecastOnly', 'recordForecastOnly'] },
        { guard: forecastOnly, actions: 'dropProposal' },
        { guard: 'hasProposal', target: 'acting' },
        { guard: 'breaching', target: 'breaching' },
      ],
    },
    breaching: {
      on: observing,
      always: [
        { guard: and([forecastOnly, freshNote]), actions: ['noteForecastOnly', 'recordForecastOnly'] },
        { guard: forecastOnly, actions: 'dropProposal' },
        { guard: 'hasProposal', target: 'acting' },
        { guard: not('breaching'), target: 'idle' },
      ],
    },
    acting: {
      entry: ['startAction', 'act'],
      on: {
        RESULT: [
          { guard: 'applied', target: 'validating', actions: ['setNow', 'recordApplied'] },
          { guard: 'dryRun', target: 'cooldown', actions: ['setNow', 'noteNotApplied', 'recordNotApplied'] },
          { guard: 'failed', target: 'cooldown', actions: ['setNow', 'noteNotApplied', 'recordNotApplied'] },
        ],
      },
      always: [
        { guard: and(['overdue', 'canResend']), actions: ['resend', 'act'] },
        { guard: 'overdue', target: 'cooldown', actions: ['noteNotApplied', 'recordNotApplied'] },
      ],
    },
    validating: {
      on: { EVALUATE: { actions: ['setNow', 'setPolicy', 'observe', 'collect', 'proposeDemand'] } },
      always: [
        // the load outgrew even the change in flight: the next step cannot wait for the verdict
        { guard: 'hasProposal', target: 'acting', actions: ['noteOutgrown', 'recordKept'] },
        { guard: and(['validationDue', 'verdictRollback']), target: 'rollingBack', actions: 'noteVerdict' },
        { guard: and(['validationDue', 'followUp']), target: 'idle', actions: ['noteVerdict', 'recordKept', 'endCooldown'] },
        { guard: and(['validationDue', 'overshot']), target: 'idle', actions: ['noteVerdict', 'recordKept', 'endCooldown'] },
        { guard: 'validationDue', target: 'cooldown', actions: ['noteVerdict', 'recordKept'] },
      ],
    },
    rollingBack: {
      entry: ['startUndo', 'act'],
      on: {
        RESULT: [
          { guard: 'applied', target: 'cooldown', actions: ['setNow', 'recordRolledBack'] },
          { guard: 'dryRun', target: 'cooldown', actions: ['setNow', 'recordRolledBack'] },
          { guard: 'failed', target: 'cooldown', actions: ['setNow', 'noteNotApplied', 'recordRolledBack'] },
        ],
      },
      always: [
        { guard: and(['overdue', 'canResend']), actions: ['resend', 'act'] },
        { guard: 'overdue', target: 'cooldown', actions: ['noteNotApplied', 'recordRolledBack'] },
      ],
    },
    cooldown: {
      on: { EVALUATE: { actions: ['setNow', 'setPolicy', 'observe', 'proposeDemand'] } },
      always: [
        { guard: 'hasProposal', target: 'acting' }, // a cooldown damps flapping, not a measured surge
        { guard: 'cooldownOver', target: 'idle' },
      ],
    },
  },
});

/**
 * A scale-out the demand did not grow into: the predictor's plan now needs fewer instances than
 * the step set (a ramp that stopped as the step was sized). Its cooldown would hold the surplus
 * for its whole length; the scale-in's own stabilisation already guards against flapping.
 */
function overshot(context: ScalingContext): boolean {
  const { change, window } = context;
  const needed = window ? planOfWindow(context.plan ?? null, window)?.needed ?? null : null;
  if (change?.type !== 'scale-out' || needed === null) return false;
  return needed < Number(change.params.instances);
}

/** A predictive proposal in forecast-only mode: record it (once per target and cooldown), do not act. */
function forecastOnly({ context }: { context: ScalingContext }): boolean { return context.forecastOnly && context.proposal?.trigger === 'predictive'; }

function freshNote({ context }: { context: ScalingContext }): boolean {
  return freshForecastNote(context.lastNote, context.proposal as Proposal, context.now);
}
