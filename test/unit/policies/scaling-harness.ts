import { createActor } from 'xstate';
import { loadPolicy } from '../../../policies/load.js';
import type { PolicyEmitted } from '../../../policies/machine-kit.js';
import { scalingMachine } from '../../../policies/scaling.machine.js';
import { CapacityPlanner } from '../../../agents/intermediate/predictor/planner.js';
import type { ScalingPolicy } from '../../../policies/schema.js';
import { result, win } from './fixtures.js';

/** One service's scaling machine, fed windows with the predictor's plan of each, as in the fleet. */
export function harness(opts: { forecastOnly?: boolean; policy?: ScalingPolicy } = {}) {
  let policy = opts.policy ?? loadPolicy().scaling;
  const actor = createActor(scalingMachine, { input: { runId: 'scaling-api', service: 'api', policy, forecastOnly: opts.forecastOnly } });
  const emitted: PolicyEmitted[] = [];
  actor.on('*', (e) => emitted.push(e as PolicyEmitted));
  actor.start();
  // the predictor's planner answers each window with its capacity plan, as in the fleet
  const planner = new CapacityPlanner(() => policy);
  const h = {
    actor,
    planner,
    emitted,
    acts: () => emitted.filter((e) => e.type === 'act').map((e) => (e as Extract<PolicyEmitted, { type: 'act' }>).action),
    notes: () => emitted.filter((e) => e.type === 'note').map((e) => (e as Extract<PolicyEmitted, { type: 'note' }>).event),
    state: () => actor.getSnapshot().value as string,
    setPolicy: (p: ScalingPolicy) => { policy = p; },
    /** minute m's window arrives at its end */
    minute(m: number, instances: number, values: Record<string, number>) {
      const w = win('api', m, instances, values);
      h.evaluate(w);
    },
    /** a window and its plan */
    evaluate(w: ReturnType<typeof win>) {
      actor.send({ type: 'TICK', now: w.end });
      actor.send({ type: 'EVALUATE', now: w.end, window: w, plan: planner.window(w), policy });
    },
    reply(status: 'applied' | 'failed' | 'dry-run', now: number) {
      const a = h.acts().at(-1)!;
      const r = result(a.actionId, 'api', a.type, status, now);
      planner.result(r);
      actor.send({ type: 'RESULT', now, result: r });
    },
  };
  return h;
}

/** a busy minute: CPU over its 70 % trigger */
export const busy = { cpu: 90, rps: 400 };
