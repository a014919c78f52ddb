import { Type, type Static } from '@sinclair/typebox';
import { AlertLevel, EventTime, Priority, Token } from './primitives.js';

/** Why a statistical detector fired: one model's feature against the range the past makes normal. */
export const AlertEvidence = Type.Object({
  detector: Type.String({ minLength: 1, description: 'model that fired: novelty, seasonal, change, likelihood, zscore, ...' }),
  feature: Type.String({ description: 'feature scored, e.g. value, level(20), z(100), residual, shift(12|288)' }),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'the model\'s score, compared with the alert threshold' }),
  observed: Type.Number({ description: 'the value the range applies to: the sample, or the short-run mean for level and shift features' }),
  low: Type.Number({ description: 'low end of the expected range, in the series\' unit' }),
  high: Type.Number({ description: 'high end of the expected range, in the series\' unit' }),
}, { additionalProperties: false });
export type AlertEvidence = Static<typeof AlertEvidence>;

/**
 * The rule of the detector's deploy check: an error rate over the service's SLO soon after a
 * deploy_version change (agents/base/detector/brains/deploy-check.ts). The correlator reads it
 * as "a deploy preceded these errors", and waits for the windows that say which one.
 */
export const DEPLOY_CHECK_RULE = 'deploy-check';

/** vigil.alert.<service>: a detector's finding about one series. */
export const Alert = Type.Object({
  id: Type.String({ minLength: 1 }),
  service: Token,
  instance: Token,
  metric: Type.String(),
  level: AlertLevel,
  rule: Type.String({ description: 'rule or algorithm that fired: threshold, deploy-check, auto, novelty, gap, seasonal, change, likelihood, zscore, ewma, mad, iforest' }),
  value: Type.Number(),
  threshold: Type.Number({ description: 'threshold crossed, or score threshold for statistical detectors' }),
  score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  explanation: Type.Optional(Type.String()),
  evidence: Type.Optional(Type.Array(AlertEvidence, { description: 'statistical alerts: the models that fired, strongest first' })),
  since: EventTime,
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.alert.v1' });
export type Alert = Static<typeof Alert>;

export const MetricWindow = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  mean: Type.Number(), min: Type.Number(), max: Type.Number(),
  p50: Type.Number(), p90: Type.Number(), p99: Type.Number(),
  last: Type.Number(),
  rate: Type.Number({ description: 'change of the mean per second over the window' }),
}, { additionalProperties: false });
export type MetricWindow = Static<typeof MetricWindow>;

/** vigil.agg.<service>: per-service window statistics. */
export const AggWindow = Type.Object({
  service: Token,
  windowS: Type.Integer({ minimum: 1 }),
  start: EventTime,
  end: EventTime,
  instances: Type.Integer({ minimum: 0 }),
  metrics: Type.Record(Type.String(), MetricWindow),
  confirmedAlerts: Type.Array(Type.Object({
    metric: Type.String(), level: AlertLevel, instances: Type.Integer({ minimum: 1 }), rule: Type.String(),
  }, { additionalProperties: false })),
}, { additionalProperties: false, $id: 'vigil.agg.v1' });
export type AggWindow = Static<typeof AggWindow>;

export const IncidentPattern = Type.Union([
  Type.Literal('single'), Type.Literal('cascade'), Type.Literal('saturation'), Type.Literal('deploy-regression'),
  Type.Literal('traffic-surge'), Type.Literal('ddos'), Type.Literal('memory-leak'), Type.Literal('pool-saturation'),
  Type.Literal('dependency-timeout'), Type.Literal('blocking-queries'), Type.Literal('node-degradation'), Type.Literal('data-corruption'),
]);
export type IncidentPattern = Static<typeof IncidentPattern>;

/** A cause the correlator weighed for an incident: whether its evidence holds, what speaks for and against it. */
export const Hypothesis = Type.Object({
  cause: IncidentPattern,
  holds: Type.Boolean(),
  for: Type.Array(Type.String()),
  against: Type.Array(Type.String()),
  at: Type.Optional(Token),
}, { additionalProperties: false });
export type Hypothesis = Static<typeof Hypothesis>;

/** vigil.incident.<service>: grouped alerts with a suspected root cause. Keyed by the root-cause service. */
export const Incident = Type.Object({
  id: Type.String({ minLength: 1 }),
  service: Token,
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  services: Type.Array(Token),
  alertIds: Type.Array(Type.String()),
  metrics: Type.Array(Type.String({ description: '<service>.<metric> that alerted' })),
  rootCause: Type.Object({ service: Token, metric: Type.String(), reason: Type.String() }, { additionalProperties: false }),
  candidates: Type.Array(Type.Object({ service: Token, score: Type.Number() }, { additionalProperties: false })),
  pattern: IncidentPattern,
  hypotheses: Type.Optional(Type.Array(Hypothesis, { description: 'every cause weighed: those that hold first (the pattern is the first), then the others' })),
  severity: Type.Union([Type.Literal('yellow'), Type.Literal('red')]),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  openedAt: EventTime,
  revision: Type.Integer({ minimum: 1, description: 'counts the updates of this incident, resolution included: a consumer keeps the highest (two updates of one tick may arrive in either order)' }),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.incident.v1' });
export type Incident = Static<typeof Incident>;

/** vigil.forecast.<service>: the predictor's view of one metric. */
export const Forecast = Type.Object({
  service: Token,
  metric: Type.String(),
  method: Type.String(),
  current: Type.Number(),
  horizonS: Type.Integer({ minimum: 0 }),
  predicted: Type.Number({ description: 'value expected at ts + horizonS' }),
  slopePerS: Type.Number(),
  saturation: Type.Number({ description: 'the level counted as saturation for this metric' }),
  timeToSaturationS: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.forecast.v1' });
export type Forecast = Static<typeof Forecast>;

/**
 * vigil.plan.<service>: the predictor's capacity plan of one service for one closed window (DESIGN
 * §4: the predictor owns demand and capacity; the orchestrator's scaling sizes from it). Capacity is
 * the rps one instance serves at 100 % cpu, learnt from stable healthy windows; demand is the rps
 * expected at the boot horizon (now + the service's boot delay + half a window) with an interval.
 */
export const CapacityPlan = Type.Object({
  service: Token,
  windowS: Type.Integer({ minimum: 1, description: 'size of the window the plan answers' }),
  windowEnd: EventTime,
  instances: Type.Integer({ minimum: 0, description: 'instances in the window (booting included)' }),
  capacity: Type.Object({
    perInstanceRps: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'rps one instance serves at 100 % cpu; null until learnt' }),
    samples: Type.Integer({ minimum: 0, description: 'stable healthy windows it was learnt from' }),
    settling: Type.Boolean({ description: 'a capacity change is settling: this window was not learnt from' }),
    poolUsagePerRps: Type.Optional(Type.Number({ minimum: 0, description: 'db_pool_usage (%) per rps received at the pool size in force, learnt below saturation; absent without a pool' })),
    poolLatencyMs: Type.Optional(Type.Number({ minimum: 0, description: 'db_latency_ms while poolUsagePerRps was learnt: slower queries hold a connection longer' })),
  }, { additionalProperties: false }),
  demand: Type.Union([Type.Object({
    mean: Type.Number({ minimum: 0, description: "the window's mean rps" }),
    level: Type.Number({ minimum: 0, description: "rps now: the window's mean, or its last reading when that jumped beyond the noise" }),
    noise: Type.Number({ minimum: 0, description: "spread of the window's readings (a normal's sigma)" }),
    slopePerS: Type.Number({ description: 'the trend of the last window means, 0 unless it stands out of its standard error' }),
    slopeSe: Type.Number({ minimum: 0, description: "the trend's standard error" }),
    horizonS: Type.Number({ minimum: 0, description: 'boot horizon: how far ahead the forecast is' }),
    forecast: Type.Number({ minimum: 0, description: 'rps expected at the boot horizon' }),
    low: Type.Number({ minimum: 0 }),
    high: Type.Number({ minimum: 0 }),
    fromEntries: Type.Optional(Type.Number({ minimum: 0, description: "rps the entry services' forecast sends this service at the horizon (its learnt share of their traffic); forecast and high are at least this" })),
  }, { additionalProperties: false }), Type.Null()], { description: 'null when the window has no rps' }),
  needed: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'instances that keep the high end of the forecast under the target utilisation; null until capacity is learnt' }),
  timeToSaturationS: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'until demand reaches the capacity in place at 100 % cpu; null when not rising or unknown' }),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.plan.v1' });
export type CapacityPlan = Static<typeof CapacityPlan>;

/** vigil.impact.<service>: the strategist's business view of an incident. */
export const Impact = Type.Object({
  incidentId: Type.String(),
  service: Token,
  priority: Priority,
  usersAffected: Type.Number({ minimum: 0 }),
  revenueAtRiskPerMin: Type.Number({ minimum: 0 }),
  errorBudgetBurn: Type.Number({ minimum: 0, description: 'multiple of the sustainable burn rate' }),
  interventionWorthIt: Type.Boolean(),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.impact.v1' });
export type Impact = Static<typeof Impact>;
