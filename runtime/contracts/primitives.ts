import { Type, type Static } from '@sinclair/typebox';

/** A subject token: service names, instance names, agent ids. No dots or wildcards. */
export const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'NATS subject token' });

/** Event time: milliseconds since the Unix epoch. */
export const EventTime = Type.Integer({ minimum: 0, description: 'event time, ms since epoch' });

export const Tier = Type.Union([Type.Literal('base'), Type.Literal('intermediate'), Type.Literal('top')]);
export type Tier = Static<typeof Tier>;

export const AgentKind = Type.Union([
  Type.Literal('collector'), Type.Literal('filter'), Type.Literal('detector'),
  Type.Literal('aggregator'), Type.Literal('correlator'), Type.Literal('predictor'),
  Type.Literal('strategist'), Type.Literal('analyst'), Type.Literal('orchestrator'),
]);
export type AgentKind = Static<typeof AgentKind>;

export const AlertLevel = Type.Union([Type.Literal('yellow'), Type.Literal('red'), Type.Literal('clear')]);
export type AlertLevel = Static<typeof AlertLevel>;

export const Priority = Type.Union([Type.Literal('P1'), Type.Literal('P2'), Type.Literal('P3'), Type.Literal('P4')]);
export type Priority = Static<typeof Priority>;

/** A free-form JSON object (directive params, action params, before/after snapshots). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
export type JsonObject = Static<typeof JsonObject>;
