import { expect } from 'vitest';
import { Action, AuditEvent, check, type ActionResult, type Incident } from '../../../runtime/contracts/index.js';
import { createOrchestratorBrain, type OrchestratorBrain, type OrchestratorOptions, type OrchestratorOutput } from '../../../agents/top/orchestrator/brain.js';
import { CapacityPlanner } from '../../../agents/intermediate/predictor/planner.js';
import { loadPolicy } from '../../../policies/load.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import { MIN, T0, result, win } from '../policies/fixtures.js';

/** Incident updates count up, as the correlator numbers them (a consumer keeps the highest). */
let incidentRevisions = 0;

export { MIN, T0, result, win };

/**
 * A brain with a fake KV and a log of everything it output; every action and audit line is
 * schema-checked. A real capacity planner (the predictor's) answers each window with its plan.
 */
export function drive(options: OrchestratorOptions = {}) {
  const kv = new Map<string, unknown>();
  const scaling = loadPolicy().scaling;
  const planner = new CapacityPlanner((s) => scalingPolicyFor(scaling, s, options.catalog?.(s)));
  const log: OrchestratorOutput[] = [];
  let brain: OrchestratorBrain = createOrchestratorBrain(options);
  const take = (out: OrchestratorOutput): OrchestratorOutput => {
    for (const a of out.actions) expect(check(Action, a).ok, JSON.stringify(a)).toBe(true);
    for (const e of out.audit) expect(check(AuditEvent, e).ok, JSON.stringify(e)).toBe(true);
    for (const s of out.snapshots) {
      if (s.value === null) kv.delete(s.key); else kv.set(s.key, JSON.parse(JSON.stringify(s.value)));
    }
    log.push(out);
    return out;
  };
  const d = {
    get brain() { return brain; },
    planner,
    kv,
    log,
    actions: () => log.flatMap((o) => o.actions),
    audit: () => log.flatMap((o) => o.audit),
    directives: () => log.flatMap((o) => o.directives),
    take,
    /** An incident update arrives and its epoch ends (the host then calls advance): what both produced. */
    incidentEpoch(i: Incident, now: number): OrchestratorOutput {
      const a = take(brain.onIncident(i, now));
      const b = take(brain.advance(now));
      return { actions: [...a.actions, ...b.actions], audit: [...a.audit, ...b.audit], directives: [...a.directives, ...b.directives], snapshots: [...a.snapshots, ...b.snapshots] };
    },
    /** minute m's window for a service arrives at its end, then the predictor's plan of it */
    minute(service: string, m: number, instances: number, values: Record<string, number>) {
      const w = win(service, m, instances, values);
      const a = take(brain.onAgg(w, w.end));
      const plan = planner.window(w);
      if (!plan) return a;
      const b = take(brain.onPlan(plan, w.end));
      return { actions: [...a.actions, ...b.actions], audit: [...a.audit, ...b.audit], directives: [...a.directives, ...b.directives], snapshots: [...a.snapshots, ...b.snapshots] };
    },
    reply(a: Action, status: ActionResult['status'], now: number, before = {}, after = {}) {
      const r = result(a.actionId, a.service, a.type, status, now, before, after);
      planner.result(r);
      return take(brain.onActionResult(r, now));
    },
    /** a new process: a brain restored from the KV content */
    restart(extra: OrchestratorOptions = {}) {
      brain = createOrchestratorBrain({ ...options, ...extra, restore: Object.fromEntries(kv) });
    },
  };
  return d;
}

export function incident(id: string, pattern: Incident['pattern'], over: Partial<Incident> = {}): Incident {
  return {
    id, service: 'db', status: 'open', services: ['db', 'api'], alertIds: ['a1'], metrics: ['db.latency_ms'],
    rootCause: { service: 'db', metric: 'latency_ms', reason: 'earliest upstream' }, candidates: [{ service: 'db', score: 0.9 }],
    pattern, severity: 'red', score: 0.9, confidence: 0.8, openedAt: T0, revision: ++incidentRevisions, ts: T0, ...over,
  };
}
