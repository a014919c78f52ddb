import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { loadPolicy } from '../../../policies/load.js';
import { remediationMachine, type RemediationEvent } from '../../../policies/remediation.machine.js';
import type { CatalogueEntry } from '../../../policies/schema.js';
import { MIN, T0, result, win } from './fixtures.js';

/**
 * Model-based test: explore every state the remediation machine can reach under every answer
 * the world can give (results applied / failed / dry-run, timeouts, good or bad metrics,
 * preconditions met or not, incident resolved, orchestrator restarted), and show that the run always ends in a final
 * state: done, rolledBack or escalated; that no reachable state can hang.
 */
type Snap = SnapshotFrom<typeof remediationMachine>;

const policy = loadPolicy();
// two phases, the second irreversible, so rollback covers "undo", "retry undo" and "cannot undo"
const entry: CatalogueEntry = {
  ...policy.catalogue.find((e) => e.id === 'restart')!,
  preconditions: [{ metric: 'instances', stat: 'mean', op: '>=', value: 2, ifMissing: 'fail' }],
  phases: [
    { type: 'rate-limit', params: {}, timeoutS: 60, undo: 'rate-limit-off' },
    { type: 'restart', params: {}, timeoutS: 60, undo: null },
  ],
};
const input = {
  runId: 'rem-x-1', incidentId: 'x', service: 'api', entry, dryRun: false, now: T0,
  settings: { breakerThreshold: 2, preValidationTimeoutS: 60, undoTimeoutS: 60, undoAttempts: 2 },
};

function eventsFor(s: Snap): RemediationEvent[] {
  const c = s.context;
  const evs: RemediationEvent[] = [{ type: 'TICK', now: c.deadline }];
  if (s.matches('preValidation')) {
    evs.push({ type: 'START', now: c.now, window: win('api', 0, 3, { memory: 95 }) });
    evs.push({ type: 'START', now: c.now, window: win('api', 0, 1, { memory: 95 }) }); // precondition instances >= 2 fails
  }
  evs.push({ type: 'INCIDENT_RESOLVED', now: c.now });
  if (c.pending) {
    evs.push({ type: 'RESUME', now: c.now + 500 }); // an orchestrator restart re-publishes the same step
    for (const status of ['applied', 'failed', 'dry-run'] as const) {
      evs.push({ type: 'RESULT', now: c.now + 1000, result: result(c.pending.actionId, 'api', c.pending.type, status, c.now + 1000) });
    }
  }
  if (s.matches('postValidation') && c.samples.length < 2) {
    const minute = Math.floor((c.now - T0) / MIN) + 1;
    for (const memory of [50, 95]) evs.push({ type: 'METRICS', now: c.now, window: win('api', minute, 3, { memory }) });
  }
  return evs;
}

/** Everything that decides what can happen next; event times excluded so the graph is finite. */
function serialize(s: Snap): string {
  const c = s.context;
  return JSON.stringify([s.value, c.phase, c.attempt, c.failures, c.pending?.actionId ?? null, c.executed.map((e) => e.applied),
    c.undoQueue, c.undoFailures, c.samples, c.incidentResolved, s.status]);
}

const FINALS = ['done', 'rolledBack', 'escalated'];

describe('remediation: model-based (@xstate/graph)', () => {
  const paths = getShortestPaths(remediationMachine, { input, events: eventsFor, serializeState: serialize });
  const reached = paths.map((p) => p.state as Snap);

  it('remediation graph: explores a non-trivial state space', () => {
    expect(reached.length).toBeGreaterThan(30);
    const values = new Set(reached.map((s) => s.value));
    for (const v of ['preValidation', 'executing', 'postValidation', 'rollingBack', ...FINALS]) expect(values).toContain(v);
  });

  it('remediation graph: every final state reached is done, rolledBack or escalated, with an outcome', () => {
    for (const s of reached.filter((x) => x.status === 'done')) {
      expect(FINALS).toContain(s.value);
      expect(s.output).toMatchObject({ status: s.value });
    }
  });

  it('remediation graph: from every reachable state, with no answer at all, deadlines alone end the run', () => {
    for (const start of reached.filter((x) => x.status !== 'done')) {
      expect(Number.isFinite(start.context.deadline)).toBe(true);
      let s: Snap = start;
      for (let i = 0; i < 20 && s.status !== 'done'; i++) {
        const before = serialize(s);
        [s] = transition(remediationMachine, s, { type: 'TICK', now: Math.max(s.context.now, s.context.deadline) });
        expect(serialize(s), `TICK at the deadline must change state ${before}`).not.toBe(before);
      }
      expect(s.status).toBe('done');
      expect(FINALS).toContain(s.value);
    }
  });

  it('remediation graph: every non-final state has a way out to each kind of ending it can still reach', () => {
    const finalsFrom = new Map<string, Set<string>>();
    for (const p of paths) {
      const end = p.state as Snap;
      if (end.status !== 'done') continue;
      for (const step of p.steps) {
        const key = String((step.state as Snap).value);
        if (!finalsFrom.has(key)) finalsFrom.set(key, new Set());
        finalsFrom.get(key)!.add(String(end.value));
      }
    }
    expect([...(finalsFrom.get('preValidation') ?? [])].sort()).toEqual([...FINALS].sort());
  });
});
