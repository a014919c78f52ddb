import { Type } from '@sinclair/typebox';
import { Subjects, type Impact } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { DEFAULT_STRATEGIST_CONFIG as d, Strategist } from './brain.js';

/** Strategist: incidents + windows + forecasts -> business impact (priority, users, revenue, burn, cost/benefit). */
export default defineAgent({
  kind: 'strategist',
  tier: 'top',
  description: 'business impact of incidents: priority P1-P4, users affected, revenue at risk, error-budget burn, intervention cost/benefit',
  consumes: [Subjects.agg, Subjects.incident, Subjects.forecast],
  produces: [Subjects.impact],
  clock: 'upstream',
  config: Type.Object({
    sloTarget: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: d.sloTarget, description: 'availability objective (0.999 = 43 min 28 s a month)' }),
    instanceMinuteCost: Type.Number({ minimum: 0, default: d.instanceMinuteCost, description: 'cost of one instance for one minute' }),
    extraInstanceShare: Type.Number({ minimum: 0, default: d.extraInstanceShare, description: 'scale-out adds this share of the instances (at least one)' }),
    userMinuteCost: Type.Number({ minimum: 0, default: d.userMinuteCost, description: 'breach cost per affected user-minute beside revenue' }),
    changeFrac: Type.Number({ minimum: 0, default: d.changeFrac, description: 'relative change worth a new impact' }),
    forecastMaxAgeS: Type.Integer({ minimum: 0, default: d.forecastMaxAgeS, description: 'older forecasts are ignored' }),
    majorUsersShare: Type.Number({ minimum: 0, maximum: 1, default: d.majorUsersShare, description: 'users hit above this share: major' }),
    minorUsersShare: Type.Number({ minimum: 0, maximum: 1, default: d.minorUsersShare, description: 'users hit above this share: minor' }),
    massUsersShare: Type.Number({ minimum: 0, maximum: 1, default: d.massUsersShare, description: 'users hit above this share lift high/medium one level' }),
  }, { additionalProperties: false }),
  start({ bus, catalog, counters }, config) {
    const brain = new Strategist(config);
    const publish = (impacts: Impact[]): void => {
      for (const impact of impacts) {
        bus.emit(Subjects.impact, [impact.service], impact);
        counters[impact.priority] = (counters[impact.priority] ?? 0) + 1;
      }
    };
    bus.on(Subjects.incident, (inc) => publish(brain.incident(inc, catalog)));
    bus.on(Subjects.agg, (window) => publish(brain.window(window, catalog)));
    bus.on(Subjects.forecast, (forecast) => publish(brain.forecast(forecast, catalog)));
    return {
      inspect: () => brain.state(),
      reset: () => brain.reset(),
      reconfigure: (next) => brain.reconfigure(next),
    };
  },
});
