import { describe, expect, it } from 'vitest';
import { Subjects, type CatalogEntry } from '../../../runtime/contracts/index.js';
import type { StoredMessage } from '../../../runtime/nats/stream-read.js';
import { buildReport } from '../../../web/report/build.js';
import { renderHtml } from '../../../web/report/html.js';
import { alert, incident, min, T0, win } from './fixtures.js';

let seq = 0;
const stored = (subject: string, data: unknown): StoredMessage => ({ seq: ++seq, subject, data, time: new Date(1_800_000_000_000 + seq).toISOString() });
const catalog: CatalogEntry[] = [{ service: 'api', tier: 'app', owner: 'x', criticality: 'high', dependsOn: [], users: 1, billable: true, unitPrice: 1, sloLatencyMs: 300, sloErrorRate: 1 }];

/** A bad deploy: alert at 2, incident 3-9, rollback-deploy then its undo, escalation to N1, impact 10 then 30 per minute. */
function messages(): StoredMessage[] {
  const a = { ...alert('api', 2), evidence: [{ detector: 'novelty', feature: 'level(20)', score: 0.9, observed: 900, low: 20, high: 80 }] };
  const m: StoredMessage[] = [];
  for (let k = 1; k <= 12; k++) m.push(stored(Subjects.agg.subject('api'), win('api', k, { latency: k >= 3 && k <= 6 ? 900 : 40 })));
  m.push(stored(Subjects.alert.subject('api'), a));
  m.push(stored(Subjects.incident.subject('api'), incident('inc-api-1', 'api', 3, 'open', [a.id])));
  m.push(stored(Subjects.impact.subject('api'), { incidentId: 'inc-api-1', service: 'api', priority: 'P2', usersAffected: 500, revenueAtRiskPerMin: 10, errorBudgetBurn: 3, interventionWorthIt: true, ts: min(3) }));
  m.push(stored(Subjects.impact.subject('api'), { incidentId: 'inc-api-1', service: 'api', priority: 'P1', usersAffected: 900, revenueAtRiskPerMin: 30, errorBudgetBurn: 3, interventionWorthIt: true, ts: min(5) }));
  m.push(stored(Subjects.action.subject('api'), { actionId: 'r1', runId: 'rem-inc-api-1-1', type: 'restart', service: 'api', params: {}, dryRun: false, reason: 'try a restart', ts: min(4) }));
  m.push(stored(Subjects.actionResult.subject('r1'), { actionId: 'r1', service: 'api', type: 'restart', status: 'failed', before: {}, after: {}, detail: 'no healthy node', ts: min(4) }));
  m.push(stored(Subjects.action.subject('api'), { actionId: 'd1', runId: 'rem-inc-api-1-1', type: 'rollback-deploy', service: 'api', params: {}, dryRun: false, reason: 'deploy regression', ts: min(5) }));
  m.push(stored(Subjects.action.subject('api'), { actionId: 'd2', runId: 'rem-inc-api-1-1', type: 'redeploy', service: 'api', params: {}, dryRun: false, reason: 'undo', compensates: 'd1', ts: min(6) }));
  m.push(stored(Subjects.audit.subject('esc-inc-api-1'), { runId: 'esc-inc-api-1', machine: 'escalation', incidentId: 'inc-api-1', service: 'api', from: 'active', to: 'active', event: 'escalated', detail: { level: 'N1', who: 'operations team', reason: 'remediation failed' }, ts: min(6) }));
  m.push(stored(Subjects.incident.subject('api'), incident('inc-api-1', 'api', 3, 'resolved', [a.id], min(9))));
  m.push(stored(Subjects.incident.subject('api'), { broken: true }));
  return m;
}

describe('post-incident report', () => {
  const report = buildReport({ runId: 'run-x', startTs: T0, messages: messages() }, catalog, null, 'inc-api-1', new Date(0));
  const r = report.incidents[0];

  it('tells detection, actions with their results, rollbacks and escalations', () => {
    expect(report.incidents).toHaveLength(1);
    expect(r.detection.firstAlert?.metric).toBe('latency_ms');
    expect(r.detection.detectedAfterS).toBe(60);
    expect(r.actions.map((a) => [a.action.type, a.result?.status ?? null, a.rollback])).toEqual([['restart', 'failed', false], ['rollback-deploy', null, false], ['redeploy', null, true]]);
    expect(r.escalations.map((e) => e.level)).toEqual(['N1']);
    expect(report.totals).toMatchObject({ rollbacks: 1, escalations: 1, actions: 3 });
  });

  it('measures the business impact: revenue integrated over the incident, users, SLO minutes, budget', () => {
    expect(r.impact).toMatchObject({ priority: 'P1', usersAffected: 900, revenueLost: 10 * 2 + 30 * 4 });
    expect(r.slo.minutes).toBe(4);
    expect(r.slo.budgetBurntPct).toBeCloseTo((100 * 4) / 43.2, 0);
  });

  it('recommends from what went wrong', () => {
    const text = report.recommendations.join('\n');
    expect(text).toMatch(/restart on api failed \(no healthy node\)/);
    expect(text).toMatch(/undid an earlier action/);
    expect(text).toMatch(/escalated to N1/);
  });

  it('renders one HTML page with every section and an SVG chart marking the actions', () => {
    const html = renderHtml(report);
    for (const h of ['Summary', 'What happened', 'Key series', 'Recommendations', 'Detection.', 'Diagnosis.', 'Actions and validation.', 'Escalations.', 'Business impact.']) expect(html).toContain(h);
    expect(html).toMatch(/<svg class="chart"[^]*rollback-deploy/);
    expect(html).not.toContain('<script');
    expect(html).toContain('evidence: novelty level(20) = 900, expected 20..80 (score 0.90)');
  });

  it('covers every incident of the run when given the run', () => {
    const whole = buildReport({ runId: 'run-x', startTs: T0, messages: messages() }, catalog, null, null);
    expect(whole.subject).toEqual({ kind: 'run', id: 'run-x' });
    expect(whole.totals.sloMinutes).toBe(4);
  });
});
