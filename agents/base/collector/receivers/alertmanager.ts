import { Type, type Static } from '@sinclair/typebox';
import { check, describeProblems, type Alert } from '../../../../runtime/contracts/index.js';

const Labels = Type.Record(Type.String(), Type.String());

/** The Alertmanager webhook payload, version 4 (the fields vigil reads; others are allowed). */
export const AlertmanagerWebhook = Type.Object({
  version: Type.Literal('4'),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  receiver: Type.Optional(Type.String()),
  groupKey: Type.Optional(Type.String()),
  alerts: Type.Array(Type.Object({
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    labels: Labels,
    annotations: Type.Optional(Labels),
    startsAt: Type.String(),
    endsAt: Type.Optional(Type.String()),
    fingerprint: Type.Optional(Type.String()),
    generatorURL: Type.Optional(Type.String()),
  })),
});
export type AlertmanagerWebhook = Static<typeof AlertmanagerWebhook>;

export interface AlertMapping { serviceLabels: string[]; defaultService: string }

const token = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'unknown';
const RED = new Set(['critical', 'page', 'error', 'red', 'high']);

/**
 * Turns an Alertmanager webhook (v4) into vigil alerts: firing -> yellow or red (severity
 * label: critical/page/error/high are red, anything else yellow), resolved -> clear, the
 * service taken from the first present label of `serviceLabels`. The alert id comes from
 * the fingerprint so that firing and resolved speak of the same alert. Throws naming the
 * field that is wrong.
 */
export function alertsFromWebhook(body: unknown, map: AlertMapping, now: number): Alert[] {
  const result = check(AlertmanagerWebhook, body);
  if (!result.ok) throw new Error(describeProblems('alertmanager webhook', result.problems));
  return result.value.alerts.map((a) => {
    const name = a.labels.alertname ?? 'alert';
    const service = token(map.serviceLabels.map((l) => a.labels[l]).find((v) => v) ?? map.defaultService);
    const started = Date.parse(a.startsAt);
    const since = Number.isFinite(started) && started > 0 ? Math.min(started, now) : now;
    const resolved = a.status === 'resolved';
    const value = Number(a.annotations?.value);
    const fingerprint = a.fingerprint ?? token(Object.entries(a.labels).sort().map(([k, v]) => `${k}=${v}`).join('-'));
    return {
      id: `am-${token(fingerprint)}`,
      service,
      instance: token(a.labels.instance ?? 'alertmanager'),
      metric: token(name).replace(/-/g, '_'),
      level: resolved ? 'clear' : RED.has((a.labels.severity ?? '').toLowerCase()) ? 'red' : 'yellow',
      rule: 'alertmanager',
      value: Number.isFinite(value) ? value : resolved ? 0 : 1,
      threshold: 0,
      explanation: (a.annotations?.summary ?? a.annotations?.description ?? `${name} ${a.status}`).slice(0, 500),
      since,
      ts: now,
    } satisfies Alert;
  });
}
