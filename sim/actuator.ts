import { Action, type ActionResult } from '../runtime/contracts/control.js';
import { check, describeProblems } from '../runtime/contracts/validate.js';
import { applyEffect, snapshotFor, type EffectContext } from './action-effects.js';
import type { ServiceState } from './model/service-state.js';

/** One line of the actuator's log: what was asked, when (seconds since the start), how often. */
export interface ActionLogEntry {
  actionId: string;
  type: string;
  service: string;
  /** Seconds since the scenario start. */
  t: number;
  status: string;
  /** How many times the same actionId came again (each got the stored result back). */
  repeats: number;
  /** The actionId this action undoes, when it is a rollback. */
  compensates?: string;
}

/** The sim actuator: applies actions to the model, idempotent by actionId. */
export interface Actuator {
  apply(action: Action, now: number): ActionResult;
  log(): ActionLogEntry[];
}

/**
 * Creates the actuator over the world's services. A repeated actionId has no second effect and
 * gets the stored result again (same object contents); a dry run changes nothing (status
 * 'dry-run'); an unknown service, an invalid action or an inapplicable one gives 'failed'.
 */
export function createActuator(services: Map<string, ServiceState>, startMs: number, ctx: EffectContext): Actuator {
  const results = new Map<string, { result: ActionResult; entry: ActionLogEntry }>();
  const entries: ActionLogEntry[] = [];
  const record = (action: Action, result: ActionResult, now: number): ActionResult => {
    const entry: ActionLogEntry = {
      actionId: action.actionId, type: action.type, service: action.service, t: (now - startMs) / 1000,
      status: result.status, repeats: 0, ...(action.compensates ? { compensates: action.compensates } : {}),
    };
    results.set(action.actionId, { result, entry });
    entries.push(entry);
    return structuredClone(result);
  };
  return {
    apply(action, now) {
      const seen = results.get(action?.actionId);
      if (seen) {
        seen.entry.repeats++;
        return structuredClone(seen.result);
      }
      const base = { actionId: String(action?.actionId ?? ''), service: action?.service, type: action?.type, ts: now };
      const valid = check(Action, action);
      if (!valid.ok) {
        const result = { ...base, status: 'failed', before: {}, after: {}, detail: describeProblems('action', valid.problems) } as ActionResult;
        return typeof action?.actionId === 'string' ? record(action, result, now) : result;
      }
      const s = services.get(action.service);
      if (!s) return record(action, { ...base, status: 'failed', before: {}, after: {}, detail: `unknown service '${action.service}'` } as ActionResult, now);
      const before = snapshotFor(action.type, s);
      if (action.dryRun) {
        return record(action, { ...base, status: 'dry-run', before, after: before, detail: 'dry run: nothing changed' } as ActionResult, now);
      }
      const effect = applyEffect(action.type, s, action.params, now, ctx);
      if ('error' in effect) {
        return record(action, { ...base, status: 'failed', before, after: before, detail: effect.error } as ActionResult, now);
      }
      const after = { ...before, ...effect.changes, effectiveAt: now + effect.effectiveInS * 1000 };
      return record(action, { ...base, status: 'applied', before, after, detail: effect.detail } as ActionResult, now);
    },
    log: () => entries.map((e) => ({ ...e })),
  };
}
