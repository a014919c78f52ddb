/**
 * Configuration of the notification channels (DESIGN §9): where escalations, acknowledgements,
 * resolutions and pending approvals are sent. The config file's `notifications` section:
 *
 *   { "channels": [
 *       { "name": "slack", "type": "slack", "url": "https://hooks.slack.com/services/..." },
 *       { "name": "call", "type": "pagerduty", "routingKey": "<integration key>", "levels": ["N3", "N4"] },
 *       { "name": "ops", "type": "webhook", "url": "https://ops.example/vigil", "headers": {"authorization": "..."} } ],
 *     "retry": { "attempts": 5, "initialMs": 500, "maxMs": 30000 } }
 *
 * A channel hears an escalation level when its `levels` list names it, or (no `levels`) when the
 * level's channels in the escalation table (policies/defaults/escalation.json) name the channel:
 * N2's ["sms", "call", "slack"] reaches the channels called "call" and "slack".
 */
import { Type, type Static } from '@sinclair/typebox';
import { checkWithDefaults, describeProblems } from '../runtime/contracts/validate.js';
import { ConfigError } from '../runtime/errors.js';

const Name = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Url = Type.String({ pattern: '^https?://' });
const Common = {
  name: Name,
  levels: Type.Optional(Type.Array(Type.String({ pattern: '^N[0-9]$' }), { description: 'escalation levels heard (default: the table names the channel)' })),
  approvals: Type.Boolean({ default: true, description: 'also hears approval requests and decisions' }),
  headers: Type.Record(Type.String(), Type.String(), { default: {} }),
  timeoutS: Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 10 }),
};

export const SlackChannel = Type.Object({ ...Common, type: Type.Literal('slack'), url: Url }, { additionalProperties: false });
export const PagerDutyChannel = Type.Object({
  ...Common, type: Type.Literal('pagerduty'),
  routingKey: Type.String({ minLength: 1, description: 'the Events API v2 integration key' }),
  url: Type.String({ pattern: '^https?://', default: 'https://events.pagerduty.com/v2/enqueue' }),
}, { additionalProperties: false });
export const WebhookChannel = Type.Object({ ...Common, type: Type.Literal('webhook'), url: Url }, { additionalProperties: false });

export type SlackChannel = Static<typeof SlackChannel>;
export type PagerDutyChannel = Static<typeof PagerDutyChannel>;
export type WebhookChannel = Static<typeof WebhookChannel>;
export type ChannelConfig = SlackChannel | PagerDutyChannel | WebhookChannel;

export const RetryConfig = Type.Object({
  attempts: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
  initialMs: Type.Integer({ minimum: 1, maximum: 60_000, default: 500 }),
  maxMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 30_000 }),
}, { additionalProperties: false });
export type RetryConfig = Static<typeof RetryConfig>;

export interface NotificationsConfig { channels: ChannelConfig[]; retry: RetryConfig }

const SCHEMAS = { slack: SlackChannel, pagerduty: PagerDutyChannel, webhook: WebhookChannel } as const;

/** Validates the `notifications` section (defaults filled in); throws a ConfigError naming every bad path. */
export function parseNotificationsConfig(value: unknown, where = 'notifications'): NotificationsConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where}: must be an object with 'channels'`);
  const v = value as { channels?: unknown; retry?: unknown; [k: string]: unknown };
  const problems: string[] = Object.keys(v).filter((k) => k !== 'channels' && k !== 'retry').map((k) => `${where}.${k}: unknown key`);
  if (!Array.isArray(v.channels)) problems.push(`${where}.channels: must be an array`);
  const channels = Array.isArray(v.channels) ? v.channels : [];
  channels.forEach((c, i) => {
    const type = (c as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' && type in SCHEMAS ? SCHEMAS[type as keyof typeof SCHEMAS] : null;
    if (!schema) { problems.push(`${where}.channels.${i}.type: must be one of ${Object.keys(SCHEMAS).join(', ')}`); return; }
    const r = checkWithDefaults(schema, c);
    if (!r.ok) problems.push(describeProblems(`${where}.channels.${i}`, r.problems));
  });
  const names = channels.map((c) => (c as { name?: unknown }).name);
  names.forEach((n, i) => { if (names.indexOf(n) !== i) problems.push(`${where}.channels.${i}.name: '${String(n)}' is used twice`); });
  const retry = v.retry ?? {};
  const r = checkWithDefaults(RetryConfig, retry);
  if (!r.ok) problems.push(describeProblems(`${where}.retry`, r.problems));
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return { channels: channels as ChannelConfig[], retry: retry as RetryConfig };
}
