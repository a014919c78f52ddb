import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { escalationMachine } from '../../../policies/escalation.machine.js';
import { loadPolicy } from '../../../policies/load.js';
import type { NoteEmitted } from '../../../policies/machine-kit.js';
import { MIN, T0 } from './fixtures.js';

function start(table = loadPolicy().escalation, openedAt = T0) {
  const actor = createActor(escalationMachine, { input: { incidentId: 'inc-1', service: 'api', table, openedAt, now: openedAt } });
  const notes: NoteEmitted[] = [];
  actor.on('note', (n) => notes.push(n));
  actor.start();
  const level = () => actor.getSnapshot().context.table.levels[actor.getSnapshot().context.level].level;
  const tick = (minutes: number) => actor.send({ type: 'TICK', now: T0 + minutes * MIN });
  return { actor, notes, level, tick };
}

describe('escalation: N0 → N4 on the seed table', () => {
  it('escalation: N1 at 15 min, N2 at 30 min, N3 at 1 h, N4 at 2 h, not a minute before', () => {
    const e = start();
    expect(e.level()).toBe('N0');
    const at = (m: number) => { e.tick(m); return e.level(); };
    expect([at(14), at(15), at(29), at(30), at(59), at(60), at(119), at(120), at(500)])
      .toEqual(['N0', 'N1', 'N1', 'N2', 'N2', 'N3', 'N3', 'N4', 'N4']);
    expect(e.notes.map((n) => n.detail.level)).toEqual(['N1', 'N2', 'N3', 'N4']);
    expect(e.notes[0].detail.channels).toEqual(['sms', 'email', 'chat']);
  });

  it('escalation: a late TICK fires every overdue level once, in order', () => {
    const e = start();
    e.tick(65);
    expect(e.notes.map((n) => n.detail.level)).toEqual(['N1', 'N2', 'N3']);
  });

  it('escalation: ack stops the timers; resolve ends the run', () => {
    const e = start();
    e.tick(16);
    e.actor.send({ type: 'ACK', now: T0 + 17 * MIN, by: 'alice' });
    e.tick(600);
    expect(e.level()).toBe('N1');
    expect(e.actor.getSnapshot().value).toBe('acknowledged');
    expect(e.actor.getSnapshot().context.ack).toEqual({ at: T0 + 17 * MIN, by: 'alice' });
    e.actor.send({ type: 'RESOLVE', now: T0 + 601 * MIN });
    expect(e.actor.getSnapshot().status).toBe('done');
    expect(e.actor.getSnapshot().context.resolvedAt).toBe(T0 + 601 * MIN);
  });

  it('escalation: a failed automatic resolution moves to the next level at once, the table keeps its times', () => {
    const e = start();
    e.tick(2);
    e.actor.send({ type: 'ESCALATE', now: T0 + 2 * MIN, reason: 'remediation rolled back' });
    expect(e.level()).toBe('N1');
    expect(e.notes[0].detail.reason).toBe('remediation rolled back');
    e.tick(29);
    expect(e.level()).toBe('N1');
    e.tick(30);
    expect(e.level()).toBe('N2');
  });

  it('escalation: an incident keeps the table it started with when the policy changes', () => {
    const policy = loadPolicy();
    const e = start(policy.escalation);
    policy.escalation.levels[1].afterS = 60; // the live policy changes after the start
    const fresh = start(loadPolicy({ escalation: { levels: [
      { level: 'N0', afterS: 0, who: 'system', channels: [] }, { level: 'N1', afterS: 60, who: 'ops', channels: ['sms'] },
    ] } }).escalation);
    e.tick(5);
    fresh.tick(5);
    expect(e.level()).toBe('N0'); // pinned: still 15 min
    expect(fresh.level()).toBe('N1'); // a new incident uses the new table
    fresh.tick(500);
    expect(fresh.level()).toBe('N1'); // top of its table
  });
});
