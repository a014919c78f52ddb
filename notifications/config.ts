/**
 * Configuration of the notification channels (DESIGN §9): where escalations, acknowledgements,
 * resolutions and pending approvals are sent. The deployment file's `channels` section (the
 * same shape as deploy/outputs.ts):
 *
 *   [ { "name": "chat", "type": "slack", "url": "https://hooks.slack.com/services/...", "levels": ["N1", "N2"] },
 *     { "name": "oncall", "type": "pagerduty", "routingKey": "<integration key>", "levels": ["N2", "N3", "N4"] },
 *     { "name": "ops", "type": "webhook", "url": "https://ops.example/vigil", "headers": {"authorization": "..."} } ]
 *
 * A channel hears the escalation levels it lists (all of N1-N4 by default), the acknowledgement
 * and resolution of every incident it heard escalate, approval requests when it hears N1, and
 * approvals whose deadline passed when it hears N2. Each delivery is tried `retries` more times.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Token } from '../runtime/contracts/index.js';
import { checkWithDefaults, describeProblems } from '../runtime/contracts/validate.js';
import { ConfigError } from '../runtime/errors.js';

const Headers = Type.Record(Type.String(), Type.String(), { default: {} });
const Escalation = Type.Union(['N0', 'N1', 'N2', 'N3', 'N4'].map((l) => Type.Literal(l)));
const Url = Type.String({ pattern: '^https?://' });

const ChannelBase = {
  name: Token,
  levels: Type.Array(Escalation, { default: ['N1', 'N2', 'N3', 'N4'], description: 'escalation levels that notify this channel' }),
  retries: Type.Integer({ minimum: 0, maximum: 10, default: 3 }),
  timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
};

export const SlackChannel = Type.Object({ ...ChannelBase, type: Type.Literal('slack'), url: Url }, { additionalProperties: false });
export const PagerDutyChannel = Type.Object({
  ...ChannelBase, type: Type.Literal('pagerduty'),
  url: Type.String({ pattern: '^https?://', default: 'https://events.pagerduty.com/v2/enqueue' }),
  routingKey: Type.String({ minLength: 1, description: 'integration (routing) key' }),
}, { additionalProperties: false });
export const WebhookChannel = Type.Object({ ...ChannelBase, type: Type.Literal('webhook'), url: Url, headers: Headers }, { additionalProperties: false });

export type SlackChannel = Static<typeof SlackChannel>;
export type PagerDutyChannel = Static<typeof PagerDutyChannel>;
export type WebhookChannel = Static<typeof WebhookChannel>;
export type ChannelConfig = SlackChannel | PagerDutyChannel | WebhookChannel;

const SCHEMAS = { slack: SlackChannel, pagerduty: PagerDutyChannel, webhook: WebhookChannel } as const;

/** Validates the `channels` section (defaults filled in); throws a ConfigError naming every bad path. */
export function parseChannels(value: unknown, where = 'channels'): ChannelConfig[] {
  if (!Array.isArray(value)) throw new ConfigError(`${where}: must be an array of channels`);
  const problems: string[] = [];
  value.forEach((c, i) => {
    const type = (c as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' && type in SCHEMAS ? SCHEMAS[type as keyof typeof SCHEMAS] : null;
    if (!schema) { problems.push(`${where}.${i}.type: must be one of ${Object.keys(SCHEMAS).join(', ')}`); return; }
    const r = checkWithDefaults(schema, c);
    if (!r.ok) problems.push(describeProblems(`${where}.${i}`, r.problems));
  });
  const names = value.map((c) => (c as { name?: unknown }).name);
  names.forEach((n, i) => { if (names.indexOf(n) !== i) problems.push(`${where}.${i}.name: '${String(n)}' is used twice`); });
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return value as ChannelConfig[];
}
