import { Type } from '@sinclair/typebox';
import { Subjects } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { Analyst, DEFAULT_ANALYST_CONFIG as d } from './brain.js';

/** Analyst: incidents, impacts and actions -> long-term KPIs and tuning advice, read through its state. */
export default defineAgent({
  kind: 'analyst',
  tier: 'top',
  description: 'MTTR, MTBF, availability, automated-resolution rate, recurring incident signatures, threshold-tuning recommendations (also from alerts marked false positive)',
  consumes: [Subjects.incident, Subjects.impact, Subjects.action, Subjects.actionResult, Subjects.alertState],
  produces: [],
  clock: 'upstream',
  config: Type.Object({
    resolutionLagS: Type.Integer({ minimum: 0, default: d.resolutionLagS, description: "the correlator's quiet period: repair ended this long before resolution" }),
    shortWindowS: Type.Integer({ minimum: 0, default: d.shortWindowS, description: 'a repair this short with no action looks like a false positive' }),
    escalateAfterS: Type.Integer({ minimum: 0, default: d.escalateAfterS, description: 'incidents open longer were escalated beyond N0' }),
    minFalsePositives: Type.Integer({ minimum: 1, default: d.minFalsePositives, description: 'false positives before a threshold change is recommended' }),
    raiseFactor: Type.Number({ minimum: 1, default: d.raiseFactor, description: 'suggested threshold multiplier for a noisy series' }),
    keepResolved: Type.Integer({ minimum: 1, maximum: 1000, default: d.keepResolved, description: 'resolved incidents kept in state' }),
  }, { additionalProperties: false }),
  start({ bus }, config) {
    const brain = new Analyst(config);
    bus.on(Subjects.incident, (inc) => brain.incident(inc));
    bus.on(Subjects.impact, (impact) => brain.impact(impact));
    bus.on(Subjects.action, (action) => brain.action(action));
    bus.on(Subjects.actionResult, (result) => brain.actionResult(result));
    // Operators mark false positives at any wall time, also between runs when no watermark
    // flows: taken at once, not held for event time (they feed advice, not decisions).
    bus.on(Subjects.alertState, (record) => brain.alertState(record), { gated: false });
    return {
      inspect: () => brain.state(),
      onWatermark: (ts) => brain.advance(ts),
      reset: (startTs) => brain.reset(startTs),
      reconfigure: (next) => brain.reconfigure(next),
    };
  },
});
