import { describe, expect, it } from 'vitest';
import { Approvals } from '../../../agents/top/orchestrator/approvals.js';
import type { ApprovalPolicy } from '../../../agents/top/orchestrator/approval-gate.js';
import type { Action, AuditEvent } from '../../../runtime/contracts/index.js';
import { T0, drive } from './harness.js';

const busy = { cpu: 90, rps: 400 };

/** A brain behind an approval gate, with a wall clock the test moves. */
function gated(policy: ApprovalPolicy) {
  let wall = 1_000_000;
  const published: Action[] = [];
  const audit: AuditEvent[] = [];
  const persisted: unknown[] = [];
  // eslint-disable-next-line prefer-const -- the brain's option needs the gate, the gate the brain
  let approvals: Approvals;
  const d = drive({ held: (runId) => approvals.holdsRun(runId) });
  const publish = (out: ReturnType<typeof d.take>): void => { d.take(out); published.push(...approvals.filter(out.actions)); };
  approvals = new Approvals(policy, {
    brain: () => d.brain, publish, audit: (e) => audit.push(e), persist: (s) => persisted.push(s), now: () => T0, wallNow: () => wall,
  });
  const minute = (m: number, instances = 4, values = busy): void => { published.push(...approvals.filter(d.minute('api', m, instances, values).actions)); };
  return { d, approvals, published, audit, persisted, minute, setWall: (ms: number) => { wall = ms; } };
}

const scaleOutNeedsHuman: ApprovalPolicy = { rules: [{ types: ['scale-out'] }], deadlineS: 600 };

describe('approval gates', () => {
  it('holds a matching action as pending-approval, its run waits past every deadline, approval publishes it with the same id', () => {
    const g = gated(scaleOutNeedsHuman);
    for (let m = 0; m < 5; m++) g.minute(m);
    expect(g.published).toHaveLength(0);
    const [wait] = g.approvals.list();
    expect(wait).toMatchObject({ id: 'scaling-api_a1', type: 'scale-out', service: 'api', secondsLeft: 600 });
    expect(g.audit.at(-1)).toMatchObject({ machine: 'approval', from: 'requested', to: 'pending-approval', detail: { actionId: 'scaling-api_a1' } });
    // An hour of event time: the action's own timeout would have fired many times over.
    for (let m = 5; m < 65; m++) g.minute(m);
    expect(g.d.actions().filter((a) => a.actionId !== 'scaling-api_a1')).toEqual([]);
    expect(g.published).toHaveLength(0);
    expect(g.approvals.handle({ op: 'approve', id: 'scaling-api_a1', by: 'alice' })).toMatchObject({ status: 'approved', by: 'alice' });
    expect(g.published).toEqual([expect.objectContaining({ actionId: 'scaling-api_a1', type: 'scale-out' })]);
    expect(g.audit.at(-1)).toMatchObject({ to: 'approved', detail: { by: 'alice' } });
    expect(g.approvals.list()).toEqual([]);
    expect(g.approvals.holdsRun('scaling-api')).toBe(false);
  });

  it('deny: nothing is published and the run hears a failure naming who denied it', () => {
    const g = gated(scaleOutNeedsHuman);
    for (let m = 0; m < 5; m++) g.minute(m);
    g.approvals.handle({ op: 'deny', id: 'scaling-api_a1', by: 'bob', reason: 'freeze' });
    expect(g.published).toHaveLength(0);
    expect(g.audit.at(-1)).toMatchObject({ to: 'denied', detail: { by: 'bob', why: 'freeze' } });
    expect(g.d.brain.state()).toMatchObject({ counters: { results: 1, resultsIgnored: 0 } });
    expect((g.d.brain.state() as { runs: { runId: string; pending: string | null }[] }).runs.find((r) => r.runId === 'scaling-api')?.pending).not.toBe('scaling-api_a1');
  });

  it('a deadline refuses the action, audits it as expired (to escalate) and frees the run', () => {
    const g = gated({ rules: [{ services: ['api'] }], deadlineS: 60 });
    for (let m = 0; m < 5; m++) g.minute(m);
    g.setWall(1_000_000 + 59_000);
    g.approvals.tick();
    expect(g.approvals.list()).toHaveLength(1);
    g.setWall(1_000_000 + 60_000);
    g.approvals.tick();
    expect(g.approvals.list()).toEqual([]);
    expect(g.audit.at(-1)).toMatchObject({ to: 'expired', event: 'DEADLINE', detail: { escalate: true } });
    expect(g.published).toHaveLength(0);
    expect(g.approvals.holdsRun('scaling-api')).toBe(false);
  });

  it('publishes at once what no rule names, and every dry run', () => {
    const other = gated({ rules: [{ types: ['rollback-deploy'] }, { services: ['db'] }], deadlineS: 60 });
    for (let m = 0; m < 5; m++) other.minute(m);
    expect(other.published).toEqual([expect.objectContaining({ type: 'scale-out' })]);
    const g = gated(scaleOutNeedsHuman);
    expect(g.approvals.filter([{ ...other.published[0], dryRun: true }])).toHaveLength(1);
  });

  it('refuses unknown ids and bad requests with a message', () => {
    const g = gated(scaleOutNeedsHuman);
    expect(g.approvals.handle({ op: 'approve', id: 'nope' })).toEqual({ error: expect.stringContaining('no action nope waits') });
    expect(() => g.approvals.handle({ op: 'maybe', id: 'x' })).toThrow(/op: 'ls'/);
  });

  it('persists the waits: a new leader restores them and keeps the run held', () => {
    const g = gated(scaleOutNeedsHuman);
    for (let m = 0; m < 5; m++) g.minute(m);
    const saved = g.persisted.at(-1);
    const h = gated(scaleOutNeedsHuman);
    h.approvals.restore(saved, scaleOutNeedsHuman);
    expect(h.approvals.holdsRun('scaling-api')).toBe(true);
    expect(h.approvals.list()[0]).toMatchObject({ id: 'scaling-api_a1' });
  });
});

