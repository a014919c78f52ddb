import { Type } from '@sinclair/typebox';
import { Subjects } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { DEFAULT_PREDICTOR_CONFIG, Predictor } from './brain.js';

const d = DEFAULT_PREDICTOR_CONFIG;

/** Predictor: windows -> per-metric forecasts (linear + Holt), time to saturation, load forecast. */
export default defineAgent({
  kind: 'predictor',
  tier: 'intermediate',
  description: 'trend forecasts per service and metric (least squares + Holt), time to saturation, rps load forecast',
  consumes: [Subjects.agg],
  produces: [Subjects.forecast],
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
  }, { additionalProperties: false }),
  start({ bus, counters }, config) {
    const brain = new Predictor(config);
    bus.on(Subjects.agg, (window) => {
      for (const f of brain.window(window)) {
        bus.emit(Subjects.forecast, [f.service], f);
        if (f.timeToSaturationS !== null && f.timeToSaturationS <= f.horizonS) counters.nearSaturation = (counters.nearSaturation ?? 0) + 1;
      }
    });
    return {
      inspect: () => brain.state(),
      reset: () => brain.reset(),
      reconfigure: (next) => brain.reconfigure(next),
    };
  },
});
