import type { Action, ActionResult } from '../../../runtime/contracts/control.js';
import { createWorld, loadScenario, type World } from '../../../sim/world.js';
import type { ActionTypeName } from '../../../runtime/contracts/actions.js';

let counter = 0;

/** Builds an action for tests (fresh actionId unless given). */
export function action(type: ActionTypeName, service: string, params: Record<string, unknown> = {}, extra: Partial<Action> = {}): Action {
  return { actionId: `t-${++counter}`, runId: 'test', type, service, params, dryRun: false, reason: 'test', ts: 0, ...extra };
}

/** Applies an action at the world's current time. */
export function act(w: World, type: ActionTypeName, service: string, params: Record<string, unknown> = {}): ActionResult {
  return w.apply(action(type, service, params), w.now());
}

/** Seconds since the start of the world. */
export const elapsedS = (w: World): number => (w.now() - w.startTs) / 1000;

/** Steps a world until `untilS` seconds since the start (or the end). */
export function stepUntil(w: World, untilS: number): void {
  while (!w.done() && elapsedS(w) < untilS) w.step();
}

/** The model's view of one service. */
export function view(w: World, service: string): ReturnType<World['inspect']>[number] {
  const v = w.inspect().find((x) => x.service === service);
  if (!v) throw new Error(`no service ${service}`);
  return v;
}

/** Runs a shipped scenario to the end, calling `plan` after every tick (with seconds since start). */
export function runScenario(name: string, plan: (w: World, tS: number) => void = () => {}): World {
  const w = createWorld(loadScenario(name));
  while (!w.done()) {
    w.step();
    plan(w, elapsedS(w));
  }
  return w;
}
