import type { TSchema } from '@sinclair/typebox';

import { CleanBatch, RawBatch, SimTick, Watermark } from './data.js';
import { AggWindow, Alert, CapacityPlan, Forecast, Impact, Incident } from './findings.js';
import { AlertRecord } from './alerts.js';
import {
  Action, ActionResult, AuditEvent, Directive, DirectiveAck, DlqEntry, Heartbeat,
} from './control.js';

/**
 * A subject family: a fixed prefix, then one token per parameter. `subject(...)` builds a
 * concrete subject, `filter` subscribes to the whole family, `parse` reads the tokens back.
 * This is the only place where vigil subject strings are written.
 */
export interface SubjectDef<S extends TSchema = TSchema> {
  readonly name: string;
  readonly prefix: string;
  readonly params: readonly string[];
  readonly schema: S;
  subject(...values: string[]): string;
  readonly filter: string;
  /** A subscription filter with some tokens fixed and the others (undefined) as `*`. */
  match(...values: (string | undefined)[]): string;
  parse(subject: string): Record<string, string> | null;
}

function subject<S extends TSchema>(name: string, prefix: string, schema: S, ...params: string[]): SubjectDef<S> {
  const depth = prefix.split('.').length;
  return {
    name, prefix, params, schema,
    subject(...values: string[]) {
      if (values.length !== params.length) {
        throw new Error(`subject ${name}: expected ${params.length} token(s) (${params.join(', ')}), got ${values.length}`);
      }
      for (const v of values) {
        if (!/^[A-Za-z0-9_:-]+$/.test(v)) throw new Error(`subject ${name}: invalid token '${v}' (letters, digits, _ - : only)`);
      }
      return [prefix, ...values].join('.');
    },
    filter: params.length === 0 ? prefix : [prefix, ...params.map(() => '*')].join('.'),
    match(...values: (string | undefined)[]) {
      return [prefix, ...params.map((_, i) => values[i] ?? '*')].join('.');
    },
    parse(s: string) {
      const parts = s.split('.');
      if (parts.length !== depth + params.length || !s.startsWith(prefix + '.')) return null;
      return Object.fromEntries(params.map((p, i) => [p, parts[depth + i]]));
    },
  };
}

/**
 * Every vigil subject (DESIGN §2). A subject an agent publishes about itself names its kind
 * (watermark, heartbeat, dlq, ack): nats.conf lets each role publish only its own kind's.
 */
export const Subjects = {
  /** Data batches are keyed by shard, not service: one message per shard and tick (runtime/host/partition.ts). */
  raw: subject('raw', 'vigil.raw', RawBatch, 'shard'),
  clean: subject('clean', 'vigil.clean', CleanBatch, 'shard'),
  alert: subject('alert', 'vigil.alert', Alert, 'service'),
  /** An alert's lifecycle changed status (owner: the aggregator); the analyst learns false positives here. */
  alertState: subject('alertState', 'vigil.alertstate', AlertRecord, 'service'),
  agg: subject('agg', 'vigil.agg', AggWindow, 'service'),
  incident: subject('incident', 'vigil.incident', Incident, 'service'),
  forecast: subject('forecast', 'vigil.forecast', Forecast, 'service'),
  /** The predictor's capacity plan per service and closed window; the orchestrator's scaling sizes from it. */
  plan: subject('plan', 'vigil.plan', CapacityPlan, 'service'),
  impact: subject('impact', 'vigil.impact', Impact, 'service'),
  watermark: subject('watermark', 'vigil.watermark', Watermark, 'kind', 'agentId'),
  simTick: subject('simTick', 'vigil.sim.tick', SimTick),
  directive: subject('directive', 'vigil.directive', Directive, 'tier', 'kind', 'agentId'),
  ack: subject('ack', 'vigil.ack', DirectiveAck, 'directiveId', 'kind'),
  action: subject('action', 'vigil.action', Action, 'service'),
  actionResult: subject('actionResult', 'vigil.action.result', ActionResult, 'actionId'),
  heartbeat: subject('heartbeat', 'vigil.heartbeat', Heartbeat, 'kind', 'agentId'),
  dlq: subject('dlq', 'vigil.dlq', DlqEntry, 'kind', 'agentId'),
  audit: subject('audit', 'vigil.audit', AuditEvent, 'runId'),
} as const;

export type SubjectName = keyof typeof Subjects;

/** The token that addresses every tier, kind or agent in a directive subject. */
export const ALL = 'all';

/** Subject of an agent's service endpoint: vigil.svc.<kind>.<agentId>.<endpoint>. */
export function endpointSubject(kind: string, agentId: string, endpoint: string): string {
  return `vigil.svc.${kind}.${agentId}.${endpoint}`;
}

/** The `alerts` endpoint of an aggregator: `vigil alert` asks every live aggregator. */
export function alertsEndpoint(agentId: string): string {
  return endpointSubject('aggregator', agentId, 'alerts');
}

/** The KV key (bucket vigil-lease) of the orchestrators' leader lease. */
export const LEADER_LEASE_KEY = 'orchestrator';

