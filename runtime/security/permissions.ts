import { ALL, Buckets, LEADER_LEASE_KEY, Subjects, type AgentKind, type SubjectDef } from '../contracts/index.js';
import type { AgentDefinition } from '../host/define-agent.js';

/** What one NATS user may do: subjects it may publish to and subscribe to (nats.conf syntax). */
export interface Permissions {
  publish: string[];
  subscribe: string[];
  /** Publish to the reply subject of a request it received (service endpoints, $SRV). */
  allowResponses: boolean;
}

/** The inbox prefix of a role: each role reads only its own replies (NatsTarget.inboxPrefix). */
export function inboxPrefix(role: string): string {
  return `_INBOX_${role}`;
}

/** Opening a bucket (its stream's info). */
const KV_OPEN = (bucket: string): string => `$JS.API.STREAM.INFO.KV_${bucket}`;
/** Reading a whole bucket: direct gets by sequence (kv-scan.ts). */
const KV_SCAN = (bucket: string): string[] => [KV_OPEN(bucket), `$JS.API.DIRECT.GET.KV_${bucket}`];
/** Get of one key (direct get by last subject) and writes, limited to `keys` (a KV subject pattern). */
const KV_KEYS = (bucket: string, keys: string): string[] => [
  `$JS.API.DIRECT.GET.KV_${bucket}.$KV.${bucket}.${keys}`,
  `$KV.${bucket}.${keys}`,
];

/** KV key of an agent's entry in the registry, state and config buckets: `<kind>.<agentId>`. */
export function agentKeyPattern(kind: string): string {
  return `${kind}.>`;
}

/** The kinds whose watermarks `def`'s clock follows (every agent the registry says feeds it). */
export type UpstreamOf = (def: AgentDefinition) => readonly string[];

/**
 * The least-privilege permissions of one agent kind's role (DESIGN §7), derived from its
 * definition: it publishes its declared outputs and its own kind's watermark, heartbeat, DLQ
 * and directive-ack subjects and KV keys; it subscribes to its inputs, its upstream kinds'
 * watermarks, directives that can address it, its own service endpoints and its inbox. No
 * consumer API: agents read history with direct gets (runtime/nats/kv-scan.ts), so no role can
 * create a push consumer that delivers stored messages to a subject of its choice.
 * Replicas of a kind share the role.
 */
export function agentPermissions(def: AgentDefinition, upstream: readonly string[]): Permissions {
  const kind = def.kind;
  const publish = [
    ...def.produces.map(filterOf),
    Subjects.watermark.match(kind),
    Subjects.heartbeat.match(kind),
    Subjects.dlq.match(kind),
    Subjects.ack.match(undefined, kind),
    '$JS.API.INFO',
    ...[Buckets.agents, Buckets.state, Buckets.config].flatMap((b) => [KV_OPEN(b), ...KV_KEYS(b, agentKeyPattern(kind))]),
    ...KV_SCAN(Buckets.catalog),
    ...(extraPublish[kind] ?? []),
  ];
  const directives = [def.tier, ALL].flatMap((tier) => [kind, ALL].map((k) => Subjects.directive.match(tier, k)));
  const subscribe = [
    ...def.consumes.map(filterOf),
    ...upstream.map((k) => Subjects.watermark.match(k)),
    ...directives,
    `vigil.svc.${kind}.>`,
    '$SRV.PING', '$SRV.INFO', '$SRV.STATS',
    `$SRV.*.vigil-${kind}`, `$SRV.*.vigil-${kind}.*`,
    `${inboxPrefix(kind)}.>`,
    ...(extraSubscribe[kind] ?? []),
  ];
  return { publish: unique(publish), subscribe: unique(subscribe), allowResponses: true };
}

/** The operator: the CLI, the supervisor and the simulator (actuator). Everything. */
export const OPERATOR_PERMISSIONS: Permissions = { publish: ['>'], subscribe: ['>'], allowResponses: false };

/**
 * What a kind needs beyond its data contracts. The orchestrator holds the leader lease, keeps
 * its machines' snapshots, reads the whole registry to address directives and gathers their acks.
 */
const extraPublish: Partial<Record<AgentKind, string[]>> = {
  // The alert lifecycle's owner keeps every alert in vigil-alerts and empties it for a new run.
  aggregator: [KV_OPEN(Buckets.alerts), ...KV_SCAN(Buckets.alerts), ...KV_KEYS(Buckets.alerts, '>')],
  orchestrator: [
    KV_OPEN(Buckets.lease), ...KV_KEYS(Buckets.lease, LEADER_LEASE_KEY),
    ...KV_SCAN(Buckets.snapshots), ...KV_KEYS(Buckets.snapshots, '>'),
    ...KV_SCAN(Buckets.agents),
  ],
};
const extraSubscribe: Partial<Record<AgentKind, string[]>> = {
  // Incidents correlate alerts and end silences; the correlator is downstream of the aggregator
  // in event time, so this input is not a declared (clock-driving) one.
  aggregator: [Subjects.incident.filter],
  orchestrator: [Subjects.ack.filter],
};

function filterOf(def: SubjectDef): string {
  return def.filter;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
