import { Type } from '@sinclair/typebox';
import { Subjects } from '../../../runtime/contracts/index.js';
import { errorMessage } from '../../../runtime/errors.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { loadPolicy } from '../../../policies/load.js';
import { editPolicy } from '../../../policies/policy-edit.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import type { OrchestratorPolicy } from '../../../policies/schema.js';
import { DEFAULT_PREDICTOR_CONFIG, Predictor } from './brain.js';
import { CapacityPlanner } from './planner.js';

const d = DEFAULT_PREDICTOR_CONFIG;

/** Key (under the agent's own prefix in the state bucket) of what the capacity planner learnt. */
const CAPACITY_STATE_KEY = 'capacity';

const PolicyChange = Type.Object({ type: Type.String(), params: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false });

/** The policy with the set-trigger / set-policy changes replayed (the orchestrator's, see its policyChanges). */
function policyWith(changes: readonly { type: string; params: Record<string, unknown> }[]): OrchestratorPolicy {
  let policy = loadPolicy();
  for (const c of changes) policy = editPolicy(policy, c.type, c.params, 'predictor').policy;
  return policy;
}

/**
 * Predictor: windows -> per-metric forecasts (linear + Holt), time to saturation, load forecast;
 * and per service the capacity plan the orchestrator's scaling sizes from (capacity.ts).
 */
export default defineAgent({
  kind: 'predictor',
  tier: 'intermediate',
  description: 'trend forecasts per service and metric (least squares + Holt), time to saturation; capacity plans (learnt rps per instance, demand at the boot horizon, instances needed)',
  consumes: [Subjects.agg, Subjects.actionResult],
  produces: [Subjects.forecast, Subjects.plan],
  clock: 'upstream',
  config: Type.Object({
    metrics: Type.Array(Type.String(), { default: d.metrics, description: 'metrics forecast per service' }),
    saturation: Type.Record(Type.String(), Type.Number({ minimum: 0 }), { default: d.saturation, description: 'saturation level per metric (rps: derived from cpu)' }),
    horizonS: Type.Integer({ minimum: 60, default: d.horizonS, description: 'forecast horizon, seconds' }),
    historyWindows: Type.Integer({ minimum: 2, maximum: 240, default: d.historyWindows, description: 'windows in the least-squares fit' }),
    minPoints: Type.Integer({ minimum: 2, default: d.minPoints, description: 'windows before the first forecast' }),
    holtAlpha: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: d.holtAlpha }),
    holtBeta: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: d.holtBeta }),
    changeFrac: Type.Number({ minimum: 0, default: d.changeFrac, description: 'relative change of the prediction worth publishing' }),
    republishS: Type.Integer({ minimum: 60, default: d.republishS, description: 'republish a series at least this often' }),
    maxTtsS: Type.Integer({ minimum: 60, default: d.maxTtsS, description: 'longer times to saturation are reported as null' }),
    policyChanges: Type.Array(PolicyChange, { default: [], description: "set-trigger / set-policy directives applied so far (the orchestrator's), replayed on start: plans use the scaling policy in force" }),
  }, { additionalProperties: false }),
  async start({ bus, counters, catalog, log, saveState, loadState }, initial) {
    let config = initial;
    let policy = policyWith(config.policyChanges);
    const brain = new Predictor(config);
    const planner = new CapacityPlanner((service) => scalingPolicyFor(policy.scaling, service, catalog.get(service)), () => catalog.all());
    // What was learnt survives a restart (it took windows of stable load to learn); unreadable state is dropped, with the reason.
    const saved = await loadState<unknown>(CAPACITY_STATE_KEY).catch((err: unknown) => { log.warn({ err: errorMessage(err) }, 'capacity state unreadable'); return undefined; });
    if (saved !== undefined) {
      try { planner.restore(saved); } catch (err) { counters.restoreErrors = (counters.restoreErrors ?? 0) + 1; log.warn({ err: errorMessage(err) }, 'capacity state dropped'); }
    }
    let dirty = false;
    const persist = (): void => {
      if (!dirty) return;
      dirty = false;
      saveState(CAPACITY_STATE_KEY, planner.saved()).catch((err: unknown) => { counters.errors++; log.warn({ err: errorMessage(err) }, 'capacity state not saved'); });
    };
    bus.on(Subjects.actionResult, (result) => { planner.result(result); dirty = true; });
    bus.on(Subjects.agg, (window) => {
      for (const f of brain.window(window)) {
        bus.emit(Subjects.forecast, [f.service], f);
        if (f.timeToSaturationS !== null && f.timeToSaturationS <= f.horizonS) counters.nearSaturation = (counters.nearSaturation ?? 0) + 1;
      }
      const plan = planner.window(window);
      if (plan) { bus.emit(Subjects.plan, [plan.service], plan); dirty = true; }
    });
    return {
      inspect: () => ({ ...(brain.state() as object), capacity: planner.state(), scalingDemand: policy.scaling.demand }),
      onWatermark: persist, // once per epoch, not per window
      reset: () => { brain.reset(); planner.reset(); dirty = true; persist(); },
      reconfigure: (next) => { config = next; policy = policyWith(next.policyChanges); brain.reconfigure(next); },
      directive: (dir) => {
        const edit = editPolicy(policy, dir.type, dir.params, 'predictor');
        if (edit.status !== 'applied') return edit.detail === undefined ? { status: edit.status } : { status: edit.status, detail: edit.detail };
        policy = edit.policy;
        return { status: 'applied', config: { ...config, policyChanges: [...config.policyChanges, { type: dir.type, params: dir.params }] } };
      },
    };
  },
});
