import { Type, type Static } from '@sinclair/typebox';
import { EventTime, Token } from './primitives.js';

/** The lifecycle states of an alert (seed 002 §3.1): active → acknowledged → resolved → closed, plus false_positive, suppressed, correlated. */
export const AlertStatus = Type.Union([
  Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('resolved'), Type.Literal('closed'),
  Type.Literal('false_positive'), Type.Literal('suppressed'), Type.Literal('correlated'),
]);
export type AlertStatus = Static<typeof AlertStatus>;

/**
 * One alert through its lifecycle, as its owner (the aggregator) keeps it: KV bucket
 * vigil-alerts (key: the alert id with ':' as '.') and vigil.alertstate.<service> at every
 * change of status. The same service/metric/rule while open is one alert (count grows).
 */
export const AlertRecord = Type.Object({
  id: Type.String({ minLength: 1, description: "the detector's id of the alert that opened it" }),
  service: Token,
  metric: Type.String(),
  rule: Type.String(),
  instances: Type.Array(Token, { description: 'instances that raised it and have not cleared' }),
  level: Type.Union([Type.Literal('yellow'), Type.Literal('red')]),
  status: AlertStatus,
  count: Type.Integer({ minimum: 1, description: 'firings de-duplicated into this alert' }),
  firstSeen: EventTime,
  lastSeen: EventTime,
  incidentId: Type.Union([Type.String(), Type.Null()]),
  silenceId: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  by: Type.Union([Type.String(), Type.Null()], { description: 'who acknowledged, resolved or marked it' }),
  event: Type.String({ description: 'what last changed it: fired, repeat, ack, resolve, clear, close, false-positive, suppress, unsuppress, correlate' }),
  run: Type.String({ description: "the simulated run it belongs to ('' live)" }),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.alert-record.v1' });
export type AlertRecord = Static<typeof AlertRecord>;

/** A silence bound to an incident: suppresses the matching alerts until the incident resolves. */
export const AlertSilence = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  services: Type.Array(Token),
  metrics: Type.Optional(Type.Array(Type.String())),
}, { additionalProperties: false });
export type AlertSilence = Static<typeof AlertSilence>;

export const AlertOps = ['ls', 'ack', 'resolve', 'close', 'false-positive', 'silence'] as const;
export type AlertOp = (typeof AlertOps)[number];

/** Request to the aggregator's `alerts` endpoint (`vigil alert ...`). */
export const AlertRequest = Type.Object({
  op: Type.Union(AlertOps.map((o) => Type.Literal(o))),
  id: Type.Optional(Type.String({ minLength: 1, description: 'alert id (ack, resolve, close, false-positive)' })),
  incidentId: Type.Optional(Type.String({ minLength: 1, description: 'incident a silence is bound to' })),
  services: Type.Optional(Type.Array(Token)),
  metrics: Type.Optional(Type.Array(Type.String())),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
  by: Type.Optional(Type.String({ maxLength: 128 })),
  all: Type.Optional(Type.Boolean({ description: 'ls: closed alerts too' })),
}, { additionalProperties: false, $id: 'vigil.alert-request.v1' });
export type AlertRequest = Static<typeof AlertRequest>;

/** Reply of the `alerts` endpoint: the alerts (ls) or the one changed, the silences, or why not. */
export const AlertReply = Type.Object({
  alerts: Type.Array(AlertRecord),
  silences: Type.Array(AlertSilence),
  error: Type.Optional(Type.Object({
    code: Type.Union([Type.Literal('unknown-id'), Type.Literal('refused')]),
    message: Type.String(),
  }, { additionalProperties: false })),
}, { additionalProperties: false, $id: 'vigil.alert-reply.v1' });
export type AlertReply = Static<typeof AlertReply>;

/** KV key of an alert in vigil-alerts: the id with characters KV keys refuse (':') as '.'. */
export function alertKey(id: string): string {
  return id.replace(/[^-/_=.a-zA-Z0-9]/g, '.');
}
