import { Type, type Static } from '@sinclair/typebox';
import { AgentKind, EventTime, JsonObject, Tier, Token } from './primitives.js';
import { actionTypeNames } from './actions.js';

/** The directive types agents understand; each agent acknowledges the ones it does not with `rejected`. */
export const DirectiveTypes = [
  'set-threshold',   // detector: {metric, yellow?, red?, holdS?}
  'set-sensitivity', // detector: {sensitivity 0..1, service?}
  'set-interval',    // collector: {intervalS, service?}
  'set-trigger',     // orchestrator: {trigger, threshold?, durationS?, cooldownS?}
  'set-policy',      // orchestrator: {path, value} into its policy data
  'set-config',      // any agent: {patch} merged into its validated config
  'begin-run',       // every agent: {runId, startTs}: forget state, restart the clock (simulation)
] as const;
export type DirectiveType = (typeof DirectiveTypes)[number];

/** The address of a directive: a tier, a kind or one agent ('all' for any). */
export const DirectiveTarget = Type.Object({
  tier: Type.Union([Tier, Type.Literal('all')]),
  kind: Type.Union([AgentKind, Type.Literal('all')]),
  agentId: Type.Union([Token]),
}, { additionalProperties: false });
export type DirectiveTarget = Static<typeof DirectiveTarget>;

/** vigil.directive.<tier>.<kind>.<agentId>: a control message going down the hierarchy. */
export const Directive = Type.Object({
  directiveId: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.Union(DirectiveTypes.map((t) => Type.Literal(t))),
  params: JsonObject,
  issuedBy: Type.String(),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.directive.v1' });
export type Directive = Static<typeof Directive>;

/** vigil.ack.<directiveId>: one agent's answer to a directive. */
export const DirectiveAck = Type.Object({
  directiveId: Type.String(),
  agentId: Token,
  kind: AgentKind,
  status: Type.Union([Type.Literal('applied'), Type.Literal('rejected'), Type.Literal('unchanged')]),
  detail: Type.Optional(Type.String()),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.directive-ack.v1' });
export type DirectiveAck = Static<typeof DirectiveAck>;

/** Request to the orchestrator's `directive` endpoint: fan a directive out and gather the acks. */
export const DirectiveRequest = Type.Object({
  directive: Directive,
  to: DirectiveTarget,
  timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000 }),
}, { additionalProperties: false, $id: 'vigil.directive-request.v1' });
export type DirectiveRequest = Static<typeof DirectiveRequest>;

export const DirectiveReport = Type.Object({
  directiveId: Type.String(),
  addressed: Type.Array(Token),
  acks: Type.Array(DirectiveAck),
  missing: Type.Array(Token),
}, { additionalProperties: false, $id: 'vigil.directive-report.v1' });
export type DirectiveReport = Static<typeof DirectiveReport>;

export const ActionType = Type.Union(actionTypeNames.map((t) => Type.Literal(t)));
export type ActionType = Static<typeof ActionType>;

/** vigil.action.<service>: the orchestrator asks the actuator to act. Idempotent by actionId. */
export const Action = Type.Object({
  actionId: Type.String({ minLength: 1, maxLength: 128 }),
  runId: Type.String({ description: 'the policy run (scaling or remediation) that asked for it' }),
  type: ActionType,
  service: Token,
  params: JsonObject,
  dryRun: Type.Boolean(),
  reason: Type.String(),
  compensates: Type.Optional(Type.String({ description: 'actionId this action undoes (rollback)' })),
  leaseRevision: Type.Optional(Type.Integer({ minimum: 0, description: 'fencing: the leader lease revision it was decided under; actuators refuse an older one' })),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.action.v1' });
export type Action = Static<typeof Action>;

/** vigil.action.result.<actionId>: what the actuator did. */
export const ActionResult = Type.Object({
  actionId: Type.String(),
  service: Token,
  type: ActionType,
  status: Type.Union([Type.Literal('applied'), Type.Literal('failed'), Type.Literal('duplicate'), Type.Literal('dry-run')]),
  before: JsonObject,
  after: JsonObject,
  detail: Type.Optional(Type.String()),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.action-result.v1' });
export type ActionResult = Static<typeof ActionResult>;

export const AgentStatus = Type.Union([
  Type.Literal('starting'), Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('down'),
]);
export type AgentStatus = Static<typeof AgentStatus>;

/** vigil.heartbeat.<agentId>: liveness, event-time lag and counters, every heartbeat interval. */
export const Heartbeat = Type.Object({
  agentId: Token,
  kind: AgentKind,
  tier: Tier,
  pid: Type.Integer(),
  status: AgentStatus,
  wallTs: Type.Integer({ description: 'wall clock of the heartbeat, ms' }),
  eventTs: Type.Integer({ description: "the agent's clock (event time), ms; 0 before the first watermark" }),
  lagMs: Type.Number({ minimum: 0, description: 'event time seen on inputs minus the agent clock' }),
  counters: Type.Record(Type.String(), Type.Number()),
  detail: Type.Optional(Type.String({ maxLength: 1000, description: 'why the agent is degraded (e.g. the target URL and reason)' })),
}, { additionalProperties: false, $id: 'vigil.heartbeat.v1' });
export type Heartbeat = Static<typeof Heartbeat>;

/** vigil.dlq.<agentId>: a message an agent rejected, with the reason. */
export const DlqEntry = Type.Object({
  agentId: Token,
  subject: Type.String(),
  reason: Type.String(),
  errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: false }), { maxItems: 20 }),
  problemsTotal: Type.Optional(Type.Integer({ minimum: 0, description: 'problems found; only the first 20 are in errors' })),
  payload: Type.String({ description: 'the rejected payload, truncated to 4 KiB' }),
  wallTs: Type.Integer(),
}, { additionalProperties: false, $id: 'vigil.dlq-entry.v1' });
export type DlqEntry = Static<typeof DlqEntry>;

/** vigil.audit.<runId>: one transition of a policy machine (the audit trail). */
export const AuditEvent = Type.Object({
  runId: Type.String(),
  machine: Type.String(),
  incidentId: Type.Optional(Type.String()),
  service: Type.Optional(Token),
  from: Type.String(),
  to: Type.String(),
  event: Type.String(),
  detail: Type.Optional(JsonObject),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.audit-event.v1' });
export type AuditEvent = Static<typeof AuditEvent>;

/** Agent registry entry (KV bucket vigil-agents, key = agentId). */
export const RegistryEntry = Type.Object({
  agentId: Token,
  kind: AgentKind,
  tier: Tier,
  pid: Type.Integer(),
  host: Type.String(),
  startedAt: Type.Integer(),
  lastHeartbeat: Type.Integer(),
  status: AgentStatus,
  eventTs: Type.Integer(),
  lagMs: Type.Number(),
  metricsPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'loopback port of the agent /metrics (Prometheus)' })),
  detail: Type.Optional(Type.String({ maxLength: 1000, description: 'why the agent is degraded' })),
  supervisorPid: Type.Optional(Type.Integer({ description: 'the supervisor that started it (vigil down finds the fleet through it)' })),
}, { additionalProperties: false, $id: 'vigil.registry-entry.v1' });
export type RegistryEntry = Static<typeof RegistryEntry>;
