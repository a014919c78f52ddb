import { describe, expect, it } from 'vitest';
import { MIN, T0, drive, incident } from './harness.js';

const busy = { cpu: 90, rps: 400 };

describe('orchestrator brain: snapshot → restore → resume', () => {
  it('brain restore: resume re-publishes the in-flight scaling action with the SAME id and mints no new one', () => {
    const d = drive();
    for (let m = 0; m < 5; m++) d.minute('api', m, 4, busy);
    expect(d.actions().map((a) => a.actionId)).toEqual(['scaling-api_a1']);
    d.restart();
    const sent = d.log.length;
    const resumed = d.take(d.brain.resume(T0 + 5 * MIN + 30_000));
    expect(resumed.actions.map((a) => [a.actionId, a.type, a.params])).toEqual([['scaling-api_a1', 'scale-out', { instances: 6, from: 4 }]]);
    // the deadline is re-armed from the resume: nothing new before 120 s, then the same id again
    d.take(d.brain.advance(T0 + 5 * MIN + 149_000));
    d.take(d.brain.advance(T0 + 5 * MIN + 150_000));
    const after = d.log.slice(sent).flatMap((o) => o.actions.map((a) => a.actionId));
    expect(after).toEqual(['scaling-api_a1', 'scaling-api_a1']);
    d.reply(resumed.actions[0], 'applied', T0 + 5 * MIN + 151_000);
    expect(d.brain.state()).toMatchObject({ runs: [{ runId: 'scaling-api', state: 'validating' }] });
  });

  it('brain restore: validation and cooldown deadlines survive a restart (kept in the snapshot)', () => {
    const d = drive();
    for (let m = 0; m < 5; m++) d.minute('api', m, 4, busy);
    d.reply(d.actions()[0], 'applied', T0 + 5 * MIN + 100);
    for (let m = 5; m < 9; m++) d.minute('api', m, 6, { cpu: 95, rps: 400 });
    d.restart();
    expect(d.take(d.brain.resume(T0 + 9 * MIN)).actions).toEqual([]);
    d.minute('api', 9, 6, { cpu: 95, rps: 400 });
    d.take(d.brain.advance(T0 + 11 * MIN));
    // validation ended after the restart: no improvement, so the compensating action goes out
    expect(d.actions().at(-1)).toMatchObject({ actionId: 'scaling-api_a1-undo', type: 'scale-in', params: { instances: 4, from: 6 }, compensates: 'scaling-api_a1' });
  });

  it('brain restore: a remediation resumes its step, ignores the repeated result, and escalation deadlines still fire', () => {
    const d = drive();
    d.incidentEpoch(incident('inc-1', 'ddos', { service: 'api', services: ['api'] }), T0);
    const p0 = d.actions()[0];
    expect(p0.actionId).toBe('rem-inc-1-1_p0');
    d.restart();
    const resumed = d.take(d.brain.resume(T0 + 30_000));
    expect(resumed.actions.map((a) => a.actionId)).toEqual(['rem-inc-1-1_p0']);
    expect(resumed.directives).toEqual([]); // monitoring was already boosted before the restart
    d.reply(p0, 'applied', T0 + 31_000); // the actuator's stored result for the repeat...
    const repeat = d.reply(p0, 'applied', T0 + 31_500); // ...and the original, late
    expect(repeat.actions).toEqual([]);
    expect(d.actions().map((a) => a.actionId)).toEqual(['rem-inc-1-1_p0', 'rem-inc-1-1_p0', 'rem-inc-1-1_p1']);
    expect(d.brain.incidents()[0]).toMatchObject({ id: 'inc-1', level: 'N0', remediation: [{ runId: 'rem-inc-1-1', state: 'executing' }] });
    d.take(d.brain.advance(T0 + 15 * MIN));
    expect(d.brain.incidents()[0].level).toBe('N1');
  });

  it('brain restore: a long downtime re-publishes the pending step instead of counting it as failed', () => {
    const d = drive();
    d.incidentEpoch(incident('inc-1', 'deploy-regression'), T0);
    d.restart();
    const out = d.take(d.brain.resume(T0 + 3 * 3_600_000));
    expect(out.actions.map((a) => a.actionId)).toEqual(['rem-inc-1-1_p0']);
    expect(out.audit.some((e) => e.event === 'phase-failed')).toBe(false);
  });

  it('brain restore: an unreadable snapshot is reported in state() and the rest is restored', () => {
    const d = drive();
    for (let m = 0; m < 5; m++) d.minute('api', m, 4, busy);
    d.kv.set('garbage', { kind: 'teleport' });
    d.restart();
    expect(d.brain.state()).toMatchObject({
      counters: { restoreErrors: 1 }, restoreErrors: ['garbage: not a persisted policy run'],
      runs: [{ runId: 'scaling-api', state: 'acting', pending: 'scaling-api_a1' }],
    });
  });

  it('brain restore: a scaling policy is written once and referenced by every snapshot; a run whose input is gone is reported', () => {
    const d = drive();
    for (let m = 0; m < 5; m++) { d.minute('api', m, 4, { cpu: 40, rps: 100 + m }); d.minute('web', m, 4, { cpu: 40, rps: 100 + m }); }
    const writes = d.log.flatMap((o) => o.snapshots);
    const inputs = writes.filter((w) => w.key.startsWith('input-'));
    const runs = writes.filter((w) => w.key.startsWith('scaling-')) as { key: string; value: { inputs: { policy: string }; snapshot: { context: Record<string, unknown> } } }[];
    expect(runs.length).toBeGreaterThan(2);
    // the two services share one policy here (no catalogue bounds): written once
    expect(inputs).toHaveLength(1);
    expect(new Set(inputs.map((w) => w.key)).size).toBe(inputs.length);
    for (const run of runs) {
      expect(run.value.snapshot.context.policy).toBeUndefined();
      expect(inputs.map((w) => w.key)).toContain(run.value.inputs.policy);
    }
    d.restart();
    expect(d.brain.state()).toMatchObject({ counters: { restoreErrors: 0 } });
    d.kv.delete(runs.find((r) => r.key === 'scaling-web')!.value.inputs.policy);
    d.restart();
    expect((d.brain.state() as { restoreErrors: string[] }).restoreErrors).toContainEqual(expect.stringMatching(/^scaling-web: its input input-\w+ is not in the snapshot bucket$/));
  });
});
