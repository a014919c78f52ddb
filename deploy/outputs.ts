import { Type, type Static } from '@sinclair/typebox';
import { ActionType, Token } from '../runtime/contracts/index.js';

/**
 * The output side of a deployment file: actuators (how actions reach real systems),
 * notification channels and approval gates. Validated here; the actuators/ and notification
 * code read these sections from the applied deployment (KV bucket vigil-config, key
 * `deployment`, or `<home>/deployment.json`).
 */

const Headers = Type.Record(Type.String(), Type.String(), { default: {} });
const Escalation = Type.Union(['N0', 'N1', 'N2', 'N3', 'N4'].map((l) => Type.Literal(l)));

/** One command template: argv words, `{param}` placeholders filled from the action. */
export const CommandTemplate = Type.Object({
  run: Type.Array(Type.String(), { minItems: 1, description: 'argv, e.g. ["systemctl", "restart", "{service}@{instance}"]' }),
  compensate: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'argv that undoes it (rollback)' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
}, { additionalProperties: false });
export type CommandTemplate = Static<typeof CommandTemplate>;

export const ExecActuator = Type.Object({
  name: Token,
  type: Type.Literal('exec'),
  services: Type.Array(Token, { default: [], description: 'services it acts on; empty: all' }),
  timeoutMs: Type.Integer({ minimum: 100, default: 30_000 }),
  cwd: Type.Optional(Type.String()),
  env: Type.Record(Type.String(), Type.String(), { default: {} }),
  dryRun: Type.Boolean({ default: false }),
  actions: Type.Record(Type.String(), CommandTemplate, { default: {}, description: 'action type (scale-out, restart, rollback-deploy...) -> command' }),
}, { additionalProperties: false });

export const WebhookActuator = Type.Object({
  name: Token,
  type: Type.Literal('webhook'),
  services: Type.Array(Token, { default: [] }),
  url: Type.String({ pattern: '^https?://' }),
  headers: Headers,
  timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  dryRun: Type.Boolean({ default: false }),
  actions: Type.Array(ActionType, { default: [], description: 'action types it handles; empty: all' }),
}, { additionalProperties: false });

export type Actuator = Static<typeof ExecActuator> | Static<typeof WebhookActuator>;
/** The schema of each actuator type: an entry is validated (and defaulted) against its own type's. */
export const ActuatorTypes = { exec: ExecActuator, webhook: WebhookActuator } as const;

const ChannelBase = {
  name: Token,
  levels: Type.Array(Escalation, { default: ['N1', 'N2', 'N3', 'N4'], description: 'escalation levels that notify this channel' }),
  retries: Type.Integer({ minimum: 0, maximum: 10, default: 3 }),
  timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
};

const SlackChannel = Type.Object({ ...ChannelBase, type: Type.Literal('slack'), url: Type.String({ pattern: '^https?://', description: 'incoming webhook URL' }) }, { additionalProperties: false });
const PagerDutyChannel = Type.Object({
  ...ChannelBase, type: Type.Literal('pagerduty'),
  url: Type.String({ pattern: '^https?://', default: 'https://events.pagerduty.com/v2/enqueue' }),
  routingKey: Type.String({ minLength: 1, description: 'integration (routing) key' }),
}, { additionalProperties: false });
const WebhookChannel = Type.Object({ ...ChannelBase, type: Type.Literal('webhook'), url: Type.String({ pattern: '^https?://' }), headers: Headers }, { additionalProperties: false });
export type Channel = Static<typeof SlackChannel> | Static<typeof PagerDutyChannel> | Static<typeof WebhookChannel>;
/** The schema of each channel type. */
export const ChannelTypes = { slack: SlackChannel, pagerduty: PagerDutyChannel, webhook: WebhookChannel } as const;

/**
 * An entry of a typed list (actuators, channels) as the file schema sees it: a name and a
 * known type; the rest is validated against that type's own schema (ajv fills no defaults
 * inside a union, and one schema per type gives one clear message per problem).
 */
export function typedEntry(types: Record<string, unknown>) {
  return Type.Object({
    name: Token,
    type: Type.Union(Object.keys(types).map((t) => Type.Literal(t))),
  }, { additionalProperties: true });
}

export const Approvals = Type.Object({
  actions: Type.Array(ActionType, { default: [], description: 'action types that wait for a human' }),
  services: Type.Array(Token, { default: [], description: 'services whose every action waits for a human' }),
  deadlineS: Type.Integer({ minimum: 1, default: 900, description: 'an undecided approval escalates after this long' }),
}, { additionalProperties: false, default: {} });
export type Approvals = Static<typeof Approvals>;
