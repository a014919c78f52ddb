/**
 * The payload each channel type expects for a notice:
 * - Slack-compatible incoming webhook: {text, blocks} (text is the fallback every client shows);
 * - PagerDuty Events API v2: trigger / acknowledge / resolve with one dedup key per incident
 *   (or per approval), payload {summary, source, severity, timestamp, component, custom_details};
 * - generic webhook: the notice itself under a versioned envelope.
 */
import type { ChannelConfig, PagerDutyChannel } from './config.js';
import type { Notice } from './notice.js';

export const WEBHOOK_VERSION = 'vigil.notification.v1';

/** PagerDuty's summary limit (characters). */
const PD_SUMMARY_MAX = 1024;

/** PagerDuty's dedup key of a notice: one per incident or approval. */
export const dedupKey = (n: Notice): string => `vigil-${n.key}`.slice(0, 255);

function slack(n: Notice): Record<string, unknown> {
  const facts = [
    n.service && `*service* ${n.service}`, n.incidentId && `*incident* ${n.incidentId}`, n.level && `*level* ${n.level}`,
    n.who && `*who* ${n.who}`, `*severity* ${n.severity}`,
  ].filter(Boolean).join('  ·  ');
  return {
    text: n.summary,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: n.summary } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
    ],
  };
}

function pagerDuty(n: Notice, c: PagerDutyChannel): Record<string, unknown> {
  const action = n.kind === 'acknowledged' ? 'acknowledge' : n.kind === 'resolved' || n.kind === 'approval-decided' ? 'resolve' : 'trigger';
  const body: Record<string, unknown> = { routing_key: c.routingKey, event_action: action, dedup_key: dedupKey(n) };
  if (action === 'trigger') {
    body.payload = {
      summary: n.summary.slice(0, PD_SUMMARY_MAX), source: 'vigil', severity: n.severity, timestamp: new Date(n.ts).toISOString(),
      ...(n.service ? { component: n.service } : {}), class: n.kind,
      custom_details: { ...n.detail, ...(n.level ? { level: n.level } : {}), ...(n.incidentId ? { incidentId: n.incidentId } : {}) },
    };
  }
  return body;
}

function webhook(n: Notice): Record<string, unknown> {
  return { version: WEBHOOK_VERSION, ...n };
}

/** The JSON body to POST to `channel` for `notice`. */
export function payloadFor(channel: ChannelConfig, notice: Notice): Record<string, unknown> {
  if (channel.type === 'slack') return slack(notice);
  if (channel.type === 'pagerduty') return pagerDuty(notice, channel);
  return webhook(notice);
}
