/**
 * What vigil tells people, read from the audit trail: an incident escalated, was acknowledged
 * or resolved; an action waits for a human, was decided, or its deadline passed. One audit
 * event gives at most one notice; `noticeFrom` is pure.
 */
import type { AuditEvent } from '../runtime/contracts/control.js';

export type NoticeKind = 'escalated' | 'acknowledged' | 'resolved' | 'approval-requested' | 'approval-decided' | 'approval-expired';

export interface Notice {
  kind: NoticeKind;
  /** one incident (or one approval): PagerDuty's dedup key derives from it */
  key: string;
  incidentId?: string;
  service?: string;
  /** escalation level reached (escalated) */
  level?: string;
  who?: string;
  /** the escalation table's channel labels for that level */
  labels?: string[];
  severity: 'critical' | 'error' | 'warning' | 'info';
  summary: string;
  detail: Record<string, unknown>;
  ts: number;
}

const SEVERITY: Record<string, Notice['severity']> = { N0: 'info', N1: 'warning', N2: 'error', N3: 'critical', N4: 'critical' };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The notice an audit event calls for, or null. */
export function noticeFrom(e: AuditEvent): Notice | null {
  const d = e.detail ?? {};
  const base = { service: e.service, ts: e.ts, detail: d };
  const where = e.service ? ` on ${e.service}` : '';
  if (e.machine === 'escalation' && e.incidentId) {
    const incident = { ...base, key: e.incidentId, incidentId: e.incidentId };
    if (e.event === 'escalated') {
      const level = str(d.level) ?? '?';
      return {
        ...incident, kind: 'escalated', level, who: str(d.who), labels: Array.isArray(d.channels) ? d.channels.map(String) : [],
        severity: SEVERITY[level] ?? 'error',
        summary: `[vigil] ${level} incident ${e.incidentId}${where}: ${str(d.reason) ?? 'escalated'}${d.who ? ` (to ${String(d.who)})` : ''}`,
      };
    }
    if (e.from !== e.to && e.to === 'acknowledged') return { ...incident, kind: 'acknowledged', severity: 'info', summary: `[vigil] incident ${e.incidentId}${where} acknowledged` };
    if (e.from !== e.to && e.to === 'resolved') return { ...incident, kind: 'resolved', severity: 'info', summary: `[vigil] incident ${e.incidentId}${where} resolved` };
    return null;
  }
  if (e.machine === 'approval') {
    const id = str(d.actionId) ?? e.runId;
    const what = `${str(d.type) ?? 'action'} ${id}${where}`;
    const approval = { ...base, key: `approval-${id}`, ...(e.incidentId ? { incidentId: e.incidentId } : {}) };
    if (e.to === 'pending-approval') {
      return {
        ...approval, kind: 'approval-requested', severity: 'warning',
        summary: `[vigil] approval needed: ${what} (${str(d.reason) ?? 'no reason given'}); run \`vigil approve ${id}\` or \`vigil deny ${id}\``,
      };
    }
    if (e.to === 'approved' || e.to === 'denied') {
      return { ...approval, kind: 'approval-decided', severity: 'info', summary: `[vigil] ${what} ${e.to} by ${str(d.by) ?? 'an operator'}` };
    }
    if (e.to === 'expired') {
      return { ...approval, kind: 'approval-expired', severity: 'critical', summary: `[vigil] nobody decided on ${what} before its deadline: escalated, the action was not applied` };
    }
  }
  return null;
}
