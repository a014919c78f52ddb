import { describe, expect, it } from 'vitest';
import { LiveState } from '../../../web/model/live-state.js';
import { activeAlerts, incidentDetail, serviceDetail, snapshot } from '../../../web/model/views.js';
import { alert, incident, min, T0, win } from './fixtures.js';

type Snap = { executive: Record<string, number | null>; services: { service: string; status: string }[]; incidents: { id: string; level: string | null; action: { status: string } | null; alerts: unknown[] }[] };

describe('dashboard live state', () => {
  it('colours a service red on a red alert and green again once it clears', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    s.agg(win('api', 1));
    expect((snapshot(s, 0) as unknown as Snap).services[0].status).toBe('green');
    s.alert(alert('api', 2, 'red'));
    s.agg(win('api', 2));
    expect((snapshot(s, 0) as unknown as Snap).services[0].status).toBe('red');
    s.alert({ ...alert('api', 3, 'clear'), id: 'clear-1' });
    s.agg(win('api', 3));
    expect(activeAlerts(s)).toHaveLength(0);
    expect((snapshot(s, 0) as unknown as Snap).services[0].status).toBe('green');
  });

  it('counts SLO-breaking windows against availability and the error budget', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    s.setCatalog([{ service: 'api', tier: 'app', owner: 'x', criticality: 'high', dependsOn: [], users: 1, billable: true, unitPrice: 1, sloLatencyMs: 300, sloErrorRate: 1 }]);
    for (let m = 1; m <= 8; m++) s.agg(win('api', m, { latency: m > 6 ? 900 : 50 }));
    const e = (snapshot(s, 0) as unknown as Snap).executive;
    expect(e.availability).toBe(75);
    expect(e.budgetLeftMin).toBeCloseTo(43.2 - 2, 5);
  });

  it('integrates revenue at risk into revenue lost until the incident resolves', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    const a = alert('api', 1);
    s.alert(a);
    s.incident(incident('inc-1', 'api', 1, 'open', [a.id]));
    s.impact({ incidentId: 'inc-1', service: 'api', priority: 'P1', usersAffected: 100, revenueAtRiskPerMin: 10, errorBudgetBurn: 5, interventionWorthIt: true, ts: min(1) });
    s.impact({ incidentId: 'inc-1', service: 'api', priority: 'P1', usersAffected: 50, revenueAtRiskPerMin: 20, errorBudgetBurn: 5, interventionWorthIt: true, ts: min(3) });
    s.incident(incident('inc-1', 'api', 1, 'resolved', [a.id], min(4)));
    s.agg(win('api', 10));
    expect(s.revenueLost()).toBeCloseTo(10 * 2 + 20 * 1, 6);
    expect(s.riskPerMin()).toBe(0);
  });

  it('groups alerts, the action in progress and the escalation level under their incident', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    const a = alert('api', 1);
    s.alert(a);
    s.incident(incident('inc-1', 'api', 1, 'open', [a.id]));
    s.action({ actionId: 'x1', runId: 'rem-inc-1-1', type: 'restart', service: 'api', params: {}, dryRun: false, reason: 'leak', ts: min(2) });
    s.auditEvent({ runId: 'esc-inc-1', machine: 'escalation', incidentId: 'inc-1', service: 'api', from: 'active', to: 'active', event: 'escalated', detail: { level: 'N1', who: 'ops' }, ts: min(2) });
    const inc = (snapshot(s, 0) as unknown as Snap).incidents[0];
    expect(inc).toMatchObject({ id: 'inc-1', level: 'N1', action: { status: 'in progress' } });
    expect(inc.alerts).toHaveLength(1);
    s.actionResult({ actionId: 'x1', service: 'api', type: 'restart', status: 'applied', before: {}, after: {}, ts: min(3) });
    expect((snapshot(s, 0) as unknown as Snap).incidents[0].action?.status).toBe('applied');
    const detail = incidentDetail(s, 'inc-1') as { timeline: { source: string }[] };
    expect(detail.timeline.map((e) => e.source).sort()).toEqual(['action', 'alert', 'audit']);
  });

  it('shows the causes the correlator weighed on the incident page, with the evidence for and against', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    const hypotheses = [
      { cause: 'data-corruption' as const, holds: true, for: ['api: errors with latency 40 ms within its SLO'], against: [] },
      { cause: 'deploy-regression' as const, holds: false, for: ['api: error_rate alert 120 s after a deploy_version change'], against: ['the release is not worse'] },
    ];
    s.incident({ ...incident('inc-1', 'api', 1, 'open', []), hypotheses });
    expect((incidentDetail(s, 'inc-1') as { incident: { hypotheses: unknown } }).incident.hypotheses).toEqual(hypotheses);
  });

  it('keeps raw readings as one mean per event time and forgets a run when the next begins', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    const meta = { tier: 'app', owner: 'x', criticality: 'high' as const, dependsOn: [] };
    s.clean({ services: ['api'], metas: [meta], instances: ['i1', 'i2'], metrics: ['cpu'], service: [0, 0], instance: [0, 1], metric: [0, 0], value: [40, 60], ts: [min(1), min(1)] });
    s.agg(win('api', 1));
    expect((serviceDetail(s, 'api') as { raw: Record<string, { v: number[] }> }).raw.cpu.v).toEqual([50]);
    s.beginRun('run-b', T0);
    expect(serviceDetail(s, 'api')).toBeNull();
    expect(s.run?.runId).toBe('run-b');
  });

  it('derives agent throughput from heartbeat counters and marks a silent agent down', () => {
    const s = new LiveState();
    const hb = { agentId: 'filter-1', kind: 'filter' as const, tier: 'base' as const, pid: 1, status: 'healthy' as const, eventTs: 0, lagMs: 0 };
    s.heartbeat({ ...hb, wallTs: 1000, counters: { in: 0, out: 0, dlq: 0 } });
    s.heartbeat({ ...hb, wallTs: 3000, counters: { in: 200, out: 100, dlq: 2 } });
    const view = (now: number) => (snapshot(s, now) as { agents: { inRate: number; dlq: number; status: string }[] }).agents[0];
    expect(view(3100)).toMatchObject({ inRate: 100, dlq: 2, status: 'healthy' });
    expect(view(10_000).status).toBe('down');
  });

  it('shows the lifecycle status of each alert and ignores records of another run', () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    const a = alert('api', 1);
    s.alert(a);
    s.incident(incident('inc-1', 'api', 1, 'open', [a.id]));
    const record = { id: a.id, service: 'api', metric: 'latency_ms', rule: 'threshold', instances: ['all'], level: 'red' as const, status: 'acknowledged' as const, count: 2, firstSeen: min(1), lastSeen: min(2), incidentId: 'inc-1', silenceId: null, note: null, by: 'sre', event: 'ack', run: 'run-a', ts: min(2) };
    s.alertState(record);
    s.alertState({ ...record, status: 'closed', run: 'run-old', ts: min(3) });
    const snap = snapshot(s, 0) as unknown as Snap & { alertLifecycle: { counts: Record<string, number> } };
    expect(snap.alertLifecycle.counts).toEqual({ acknowledged: 1 });
    expect(snap.incidents[0].alerts).toMatchObject([{ status: 'acknowledged' }]);
  });

  it('lists the actions waiting for approval until a verdict ends each wait, and renders them with the commands to decide', async () => {
    const s = new LiveState();
    s.beginRun('run-a', T0);
    const step = (id: string, to: string, deadline = '2026-01-05T10:10:00.000Z') => s.auditEvent({
      runId: 'run-a', machine: 'approval', service: 'api', from: 'requested', to, event: 'X', ts: min(1), incidentId: 'inc-1',
      detail: { actionId: id, type: 'scale-out', params: { instances: 4 }, reason: 'cpu 92 %', deadline },
    });
    step('run-a_1', 'pending-approval', '2026-01-05T10:20:00.000Z');
    step('run-a_2', 'pending-approval');
    step('run-a_3', 'pending-approval');
    step('run-a_3', 'denied');
    const snap = snapshot(s, 0) as { approvals: { id: string; service: string; type: string; incidentId: string }[] };
    expect(snap.approvals.map((a) => a.id)).toEqual(['run-a_2', 'run-a_1']); // soonest deadline first
    expect(snap.approvals[0]).toMatchObject({ service: 'api', type: 'scale-out', incidentId: 'inc-1' });
    // @ts-expect-error the page's plain-JS view module has no type declarations
    const views = await import('../../../web/public/views.js') as { operational(s: unknown): string };
    const html = views.operational({ ...snap, services: [], incidents: [], scaling: [], forecasts: [], alertLifecycle: { counts: {}, recent: [] } });
    expect(html).toContain('data-approval="run-a_2"');
    expect(html).toContain('vigil approve run-a_2');
    expect(html).toContain('data-approvals="2"');
    s.beginRun('run-b', min(5));
    expect((snapshot(s, 0) as { approvals: unknown[] }).approvals).toEqual([]);
  });
});
