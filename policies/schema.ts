import { Type, type Static } from '@sinclair/typebox';
import { ActionType, IncidentPattern, Token } from '../runtime/contracts/index.js';

/**
 * The schema of the orchestrator's policy data (DESIGN §5). The documented defaults live in
 * policies/defaults/*.json; `loadPolicy` (load.ts) merges an override over them and validates
 * the result against `OrchestratorPolicy` with ajv. Durations are seconds, metrics use the
 * canonical names of runtime/contracts/metrics.ts.
 */

/** Which statistic of an AggWindow metric a rule reads. */
export const Stat = Type.Union([
  Type.Literal('mean'), Type.Literal('p50'), Type.Literal('p90'), Type.Literal('p99'),
  Type.Literal('max'), Type.Literal('min'), Type.Literal('last'),
], { default: 'mean' });
export type Stat = Static<typeof Stat>;

/** How a value is compared with a threshold. */
export const Comparison = Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>=')]);
export type Comparison = Static<typeof Comparison>;

/** A condition on the latest window of a service: `stat(metric) op value`. */
export const Condition = Type.Object({
  metric: Type.String({ minLength: 1, description: "a metric name, or 'instances'" }),
  stat: Stat,
  op: Comparison,
  value: Type.Number(),
  ifMissing: Type.Union([Type.Literal('pass'), Type.Literal('fail')], { default: 'fail' }),
  fromSlo: Type.Optional(Type.Boolean({
    description: 'a catalogue precondition on latency_ms or error_rate: the target service\'s own SLO (catalogue sloLatencyMs, sloErrorRate) replaces `value`, which serves only a service the catalogue does not know',
  })),
}, { additionalProperties: false });
export type Condition = Static<typeof Condition>;

/** A scaling trigger: `stat(metric) > threshold` held for `durationS` (seed 001 §3.2). */
export const Trigger = Type.Object({
  metric: Type.String({ minLength: 1 }),
  stat: Stat,
  threshold: Type.Number(),
  durationS: Type.Integer({ minimum: 0 }),
  cooldownS: Type.Integer({ minimum: 0, default: 900, description: 'no other change this long after one this trigger caused (seed 002)' }),
  kind: Type.Union([Type.Literal('horizontal'), Type.Literal('vertical')]),
  enabled: Type.Boolean({ default: true }),
  onlyIf: Type.Array(Condition, {
    default: [],
    description: "the breach counts only while these hold on the same window (latency with an idle CPU comes from a dependency: more instances would not help)",
  }),
  why: Type.Optional(Type.String({ description: 'where the threshold and duration come from (a seed section, a measurement)' })),
}, { additionalProperties: false });
export type Trigger = Static<typeof Trigger>;

const Limits = Type.Object({
  minInstances: Type.Optional(Type.Integer({ minimum: 0 })),
  maxInstances: Type.Optional(Type.Integer({ minimum: 1 })),
  maxSize: Type.Optional(Type.Number({ minimum: 0.1 })),
  bootDelayS: Type.Optional(Type.Number({ minimum: 0, description: 'seconds a new instance takes to serve: demand is planned this far ahead' })),
  sloLatencyMs: Type.Optional(Type.Number({ minimum: 0, description: 'the latency the service promises (catalogue sloLatencyMs): a scale-in keeps latency under it' })),
}, { additionalProperties: false });

/** Scaling policy of every service (policies/defaults/triggers.json). */
export const ScalingPolicy = Type.Object({
  windowS: Type.Integer({ minimum: 1, default: 60, description: 'the AggWindow size the triggers read; others are ignored' }),
  triggers: Type.Record(Type.String({ pattern: '^[a-z0-9_]+$' }), Trigger),
  horizontal: Type.Object({
    targetCpu: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'utilisation every sizing aims at (70 %: seed 001 §3.2, the HPA default; room for a minute of growth while instances boot)' }),
    tolerance: Type.Number({ minimum: 0, maximum: 1, description: "no change while desired/current is within this ratio of 1 (0.1: the Kubernetes HPA's, so noise does not resize)" }),
    minInstances: Type.Integer({ minimum: 0, description: 'floor for services the catalogue gives none (1: a service is never scaled to zero)' }),
    maxInstances: Type.Integer({ minimum: 1, description: "ceiling for services the catalogue gives none (20: a cost bound while the catalogue is silent; its maxInstances overrides it)" }),
    scaleDownStabilizationS: Type.Integer({ minimum: 0, description: "a scale-in needs every recommendation of this long below the count (300 s: the Kubernetes HPA's default, a dip is not a trend)" }),
    scaleInCooldownS: Type.Integer({ minimum: 0, description: 'after a scale-in; the next one also waits for a full stabilisation window of low recommendations' }),
    scaleInMemoryS: Type.Integer({
      minimum: 0, default: 1800,
      description: 'a scale-in keeps room for the busiest minute of this long: the noise and the small swings of the recent past, so the count it leaves does not need to grow back soon',
    }),
    maxUpPercent: Type.Number({ minimum: 0, description: 'one step adds at most max(percent, pods)' }),
    maxUpPods: Type.Integer({ minimum: 0, description: "one step may always add this many instances (4: the Kubernetes HPA's default scale-up policy)" }),
    maxDownPercent: Type.Number({ minimum: 0, maximum: 100, description: 'one scale-in removes at most this percentage (100: the stabilisation window and the noise floor already make it safe)' }),
    scaleOutGuards: Type.Array(Condition, {
      default: [],
      description: 'every scale-out (reactive, demand, predictive) needs these on the latest window; e.g. traffic from a few sources is an attack, not demand',
    }),
  }, { additionalProperties: false }),
  vertical: Type.Object({
    step: Type.Number({ exclusiveMinimum: 1, description: 'size factor multiplier of one scale-up' }),
    minSize: Type.Number({ minimum: 0.1, description: 'smallest size factor (1: the size the service was catalogued with)' }),
    maxSize: Type.Number({ minimum: 0.1, description: 'largest size factor (4: four times the base; beyond that a service needs more instances, not bigger ones)' }),
  }, { additionalProperties: false }),
  predictive: Type.Object({
    enabled: Type.Boolean({ description: "pre-scale on the predictor's forecasts" }),
    metrics: Type.Array(Type.String(), { description: 'forecast metrics that may pre-scale: rps (projected onto cpu), or cpu (percent; it follows our own scaling, so a trend in it may be our doing)' }),
    horizonS: Type.Integer({ minimum: 0, description: 'act only on peaks forecast within this horizon' }),
    minConfidence: Type.Number({ minimum: 0, maximum: 1, description: "forecasts below this confidence (the predictor's fit quality) are only noted (0.6: a trend that explains most of the variance)" }),
  }, { additionalProperties: false }),
  demand: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'size scale-outs from the demand model (learnt capacity, projected rps)' }),
    triggerUtilisation: Type.Number({ exclusiveMinimum: 0, default: 0.9, description: 'scale out at once when the projected rps reaches this share of the capacity in place (booting instances included)' }),
    leadS: Type.Integer({ minimum: 0, default: 60, description: 'how far ahead the rps trend of the window is projected' }),
    saturationCpu: Type.Number({ minimum: 0, maximum: 100, default: 95, description: 'a window mean cpu this high is saturation: scale at once by the HPA formula, whatever the rps' }),
    maxUpPercent: Type.Number({ minimum: 0, default: 700, description: 'one demand step adds at most this percentage (or maxUpPods): a surge needs one big step, instances boot slowly' }),
    learnCpuMin: Type.Number({ minimum: 0, maximum: 100, default: 20, description: 'rps per instance is learnt only from windows with mean cpu in [learnCpuMin, learnCpuMax]' }),
    learnCpuMax: Type.Number({ minimum: 0, maximum: 100, default: 85, description: 'above it a window may be saturated (queues hide demand): 20-85 % is where rps and cpu move together' }),
    learnWeight: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3, description: 'weight of a new healthy window in the learnt rps per instance (EWMA): a few windows follow a new release, one odd window moves it little' }),
    trendWindows: Type.Integer({ minimum: 3, default: 5, description: 'window means the demand trend is fitted over: long enough for noise to average out, short enough to follow a ramp of a few minutes' }),
    noiseWindows: Type.Integer({ minimum: 3, default: 30, description: 'earlier window means over which the predictor measures how much the demand wanders by itself (steps and slopes of trendWindows apart, a median of some twenty differences): half an hour, short enough to follow the day' }),
    trendSignificance: Type.Number({ minimum: 0, default: 3, description: 'a fitted trend counts only beyond this many standard errors of its slope. The test runs on every window of every service: at 2, a flat noisy series shows a false trend once in about 44 windows (several an hour across a fleet), at 3 once in about 740' }),
    noiseSigmas: Type.Number({ minimum: 0, default: 2, description: 'a last reading, or a step between window means, counts as a jump beyond this many standard deviations of noise (about 95 %: a jump is confirmed by the windows after it); the demand interval spans as many each side' }),
  }, { additionalProperties: false, default: {}, description: 'demand scaling: capacity per instance learnt from healthy windows, rps projected ahead' }),
  validation: Type.Object({
    windowS: Type.Integer({ minimum: 0, description: 'how long after a change the effect is measured' }),
    scaleInWindowS: Type.Integer({ minimum: 0, default: 120, description: 'the same after a scale-in: removed instances leave no boot transient' }),
    minImprovement: Type.Number({ minimum: 0, maximum: 1, description: 'relative improvement that counts as a success' }),
    normaliseBy: Type.Union([Type.Literal('rps'), Type.Literal('none')], { description: 'compare metric per request so a growing load is not a failure' }),
    followUpWhileBreaching: Type.Boolean({
      default: true,
      description: 'a kept change whose metric is still over its threshold ends the cooldown early: the next step only needs the trigger held again',
    }),
  }, { additionalProperties: false }),
  action: Type.Object({
    timeoutS: Type.Integer({ minimum: 1, description: 'an action with no result this long is resent (120 s: longer than any boot the catalogue knows of)' }),
    resends: Type.Integer({ minimum: 0, description: 'resends of the same actionId before giving up' }),
    failureBackoffS: Type.Integer({ minimum: 0, description: 'after a failed action the same machine waits this long before trying again (300 s: one stabilisation window)' }),
  }, { additionalProperties: false }),
  services: Type.Record(Token, Limits, { default: {}, description: "per-service bounds; over the catalogue's minInstances/maxInstances" }),
  unscaledTiers: Type.Array(Type.String(), { default: ['external', 'partner'], description: 'catalogue tiers we call but do not run: never scaled' }),
}, { additionalProperties: false });
export type ScalingPolicy = Static<typeof ScalingPolicy>;


/** One phase of a remediation: one action with its timeout and its compensating action. */
export const Phase = Type.Object({
  type: ActionType,
  params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  timeoutS: Type.Integer({ minimum: 1, default: 120 }),
  undo: Type.Union([ActionType, Type.Null()], { description: "ActionTypes[type].undo, or null: the step is never undone (a rollback never re-deploys the version it left)" }),
}, { additionalProperties: false });
export type Phase = Static<typeof Phase>;

/** Post-validation: over `windowS` after the last phase, `aggregate(stat(metric)) op threshold`. */
export const Check = Type.Object({
  metric: Type.String({ minLength: 1 }),
  stat: Stat,
  op: Comparison,
  threshold: Type.Number(),
  windowS: Type.Integer({ minimum: 0, default: 300 }),
  aggregate: Type.Union([Type.Literal('mean'), Type.Literal('median'), Type.Literal('max'), Type.Literal('last'), Type.Literal('all')], {
    default: 'mean',
    description: 'how the windows of the check combine; median: one window apart (the backlog a fix leaves to drain in its first window) neither passes nor fails it',
  }),
  ofMetric: Type.Optional(Type.String({
    minLength: 1,
    description: 'the check reads `metric` as a share of this metric (same stat): a fault named by a share (the network\'s part of latency) is judged by that share, whatever load comes on top',
  })),
  fromSlo: Type.Optional(Type.Boolean({
    description: 'latency_ms and error_rate checks: the service\'s own SLO (catalogue sloLatencyMs, sloErrorRate) replaces `threshold`, which serves only a service the catalogue does not know. A fix is judged by what the service promises: a deep call chain can be healthy well above a fixed 200 ms',
  })),
}, { additionalProperties: false });
export type Check = Static<typeof Check>;

/** An entry of the corrective-action catalogue (seed 001 §3.4.1). */
export const CatalogueEntry = Type.Object({
  id: Token,
  category: Type.String(),
  problem: Type.String({ description: 'the problem detected, as in seed 001 §3.4.1' }),
  answers: Type.Array(Type.Object({
    pattern: IncidentPattern,
    metric: Type.Optional(Type.String({ description: 'root-cause metric required, any if absent' })),
    tiers: Type.Optional(Type.Array(Type.String(), { description: 'catalogue tiers of the root-cause service this rule answers, any if absent' })),
  }, { additionalProperties: false }), { minItems: 1 }),
  preconditions: Type.Array(Condition, { default: [] }),
  phases: Type.Array(Phase, { minItems: 1 }),
  postValidation: Check,
}, { additionalProperties: false });
export type CatalogueEntry = Static<typeof CatalogueEntry>;

/** How remediation runs behave (policies/defaults/remediation.json). */
export const RemediationSettings = Type.Object({
  enabled: Type.Boolean({ default: true, description: 'remediate incidents automatically (false: people only, escalation still runs)' }),
  breakerThreshold: Type.Integer({ minimum: 1, description: 'consecutive failed phases that open the circuit breaker' }),
  preValidationTimeoutS: Type.Integer({ minimum: 1, description: 'a run whose preconditions cannot be read this long escalates (60 s: one window)' }),
  undoTimeoutS: Type.Integer({ minimum: 1, description: 'how long an undo may take before it is retried (120 s: a rollback deploys in about 60 s)' }),
  undoAttempts: Type.Integer({ minimum: 1, description: 'tries of an undo before a person is called (2: one retry covers a lost message)' }),
  maxAttemptsPerIncident: Type.Integer({ minimum: 0, description: 'catalogue entries tried per cause of an incident, a cause being a pattern at a service (2: the best answer and one alternative; after that people know more). An incident with two causes, an attack and a node that degraded under it, gets two tries for each. A fix that passed its post-validation gives its try back (maxPerServicePerHour still bounds it)' }),
  maxPerServicePerHour: Type.Integer({ minimum: 0, description: 'remediations per service per hour (3: a fix needed more often than every 20 minutes is not fixing anything)' }),
  requireWorthIt: Type.Boolean({ description: "skip remediation when the strategist says it is not worth it" }),
  recurringFixes: Type.Object({
    count: Type.Integer({ minimum: 1, description: 'successful runs of one catalogue entry on one service after which the next is a recurrence' }),
    withinS: Type.Integer({ minimum: 60, description: 'how far back those runs count, seconds' }),
  }, { additionalProperties: false, description: 'a fix that keeps being needed (a leak back after each restart) still runs, and the incident is escalated with the earlier runs as evidence' }),
  monitoring: Type.Object({
    enabled: Type.Boolean({ description: 'watch the services of an open incident more closely (seed 001 §3.4: closer watch during a crisis)' }),
    sensitivity: Type.Number({ minimum: 0, maximum: 1, description: "the detector's sensitivity on them during an incident (0.8: more alerts, a person is looking anyway)" }),
    normalSensitivity: Type.Number({ minimum: 0, maximum: 1, description: "the sensitivity restored after (0.5: the detector's default)" }),
    intervalS: Type.Integer({ minimum: 1, description: "the collector's interval on them during an incident (2 s: see a fix land within a tick)" }),
    normalIntervalS: Type.Integer({ minimum: 1, description: "the interval restored after (10 s: the collector's default)" }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type RemediationSettings = Static<typeof RemediationSettings>;

/** One escalation level (seed 001 §3.3.1): reached `afterS` after the incident opened. */
export const EscalationLevel = Type.Object({
  level: Token,
  afterS: Type.Integer({ minimum: 0 }),
  who: Type.String(),
  channels: Type.Array(Type.String()),
}, { additionalProperties: false });
export type EscalationLevel = Static<typeof EscalationLevel>;

/** The escalation table (policies/defaults/escalation.json): levels in increasing `afterS`. */
export const EscalationTable = Type.Object({
  levels: Type.Array(EscalationLevel, { minItems: 1 }),
  onRemediationFailure: Type.Union([Type.Literal('next-level'), Type.Literal('none')], {
    default: 'next-level', description: 'a failed automatic resolution moves to the next level at once',
  }),
}, { additionalProperties: false });
export type EscalationTable = Static<typeof EscalationTable>;

/** Everything the orchestrator decides with; `set-policy` paths are relative to this. */
export const OrchestratorPolicy = Type.Object({
  scaling: ScalingPolicy,
  remediation: RemediationSettings,
  catalogue: Type.Array(CatalogueEntry),
  escalation: EscalationTable,
}, { additionalProperties: false, $id: 'vigil.orchestrator-policy.v1' });
export type OrchestratorPolicy = Static<typeof OrchestratorPolicy>;
