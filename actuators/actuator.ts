/**
 * The real actuator: the same contract as the simulator's (sim/actuator.ts) — validate, act
 * once per actionId, answer an ActionResult — over the configured exec and webhook drivers,
 * with fencing: an action decided under an older lease revision than one already seen is
 * refused (and not remembered, so the current leader may send the same id again).
 */
import { Action, type ActionResult } from '../runtime/contracts/control.js';
import { check, describeProblems } from '../runtime/contracts/validate.js';
import { actuatorFor, type ActuatorsConfig } from './config.js';
import { createExecDriver } from './exec.js';
import { Ledger } from './ledger.js';
import type { Driver } from './types.js';
import { createWebhookDriver } from './webhook.js';

/** One line of `vigil actuator`'s log and of the audit trail. */
export interface RealActuatorEntry { actionId: string; type: string; service: string; status: string; repeats: number; detail: string }

export interface RealActuator {
  /** Applies an action (any input: it is validated); never throws. */
  apply(action: unknown): Promise<{ result: ActionResult; actuator: string | null; repeat: boolean }>;
  log(): RealActuatorEntry[];
  /** the newest lease revision seen */
  revision(): number;
}

export interface RealActuatorOptions {
  /** JSON-lines ledger file: applied actions and the newest revision survive a restart */
  ledgerFile?: string;
  /** wall clock, ms (tests pass their own) */
  now?: () => number;
}

/** Creates the actuator over validated configs (parseActuatorsConfig). */
export function createRealActuator(configs: ActuatorsConfig, opts: RealActuatorOptions = {}): RealActuator {
  const now = opts.now ?? Date.now;
  const ledger = new Ledger(opts.ledgerFile);
  const drivers = configs.map((c) => ({ services: c.services, driver: c.type === 'exec' ? createExecDriver(c) : createWebhookDriver(c) as Driver }));
  const inFlight = new Map<string, Promise<{ result: ActionResult; actuator: string | null; repeat: boolean }>>();

  const fail = (a: Partial<Action>, detail: string): ActionResult => ({
    actionId: String(a.actionId ?? ''), service: a.service ?? 'unknown', type: a.type ?? 'restart', status: 'failed', before: {}, after: {}, detail, ts: now(),
  }) as ActionResult;

  const act = async (action: Action): Promise<{ result: ActionResult; actuator: string | null; repeat: boolean }> => {
    const fenced = ledger.fence(action);
    if (fenced) return { result: fail(action, fenced), actuator: null, repeat: false };
    const route = actuatorFor(drivers, action.service);
    if (!route) return { result: fail(action, `no actuator is configured for service '${action.service}'`), actuator: null, repeat: false };
    const compensated = action.compensates ? ledger.get(action.compensates) : undefined;
    const o = await route.driver.run(action, compensated);
    const result: ActionResult = {
      actionId: action.actionId, service: action.service, type: action.type, status: o.status, before: o.before, after: o.after, detail: o.detail, ts: now(),
    };
    ledger.record(action, result);
    return { result, actuator: route.driver.name, repeat: false };
  };

  return {
    async apply(input) {
      const valid = check(Action, input);
      if (!valid.ok) return { result: fail(input as Partial<Action>, describeProblems('action', valid.problems)), actuator: null, repeat: false };
      const action = valid.value;
      const seen = ledger.get(action.actionId);
      if (seen) { seen.repeats++; return { result: structuredClone(seen.result), actuator: null, repeat: true }; }
      const running = inFlight.get(action.actionId);
      if (running) return { ...(await running), repeat: true };
      const p = act(action).finally(() => inFlight.delete(action.actionId));
      inFlight.set(action.actionId, p);
      return p;
    },
    log: () => ledger.entries().map((e) => ({
      actionId: e.action.actionId, type: e.action.type, service: e.action.service,
      status: e.result.status, repeats: e.repeats, detail: e.result.detail ?? '',
    })),
    revision: () => ledger.revision,
  };
}
