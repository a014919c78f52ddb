import { Type, type Static } from '@sinclair/typebox';
import { Subjects, cleanSamples } from '../../../runtime/contracts/index.js';
import { defineAgent, type DirectiveOutcome } from '../../../runtime/host/define-agent.js';
import { errorMessage } from '../../../runtime/errors.js';
import { DEFAULT_SENSITIVITY, DETECTOR_NAMES, normaliseRule } from './brains/index.js';
import { DEFAULT_DEPLOY_CHECK } from './brains/deploy-check.js';
import { DEFAULT_RULES } from './default-rules.js';
import { DetectorCore } from './brain.js';
import { own } from '../../../runtime/dict.js';

const Rule = Type.Object({
  yellow: Type.Number(), red: Type.Number(), holdS: Type.Number({ minimum: 0 }),
  direction: Type.Optional(Type.Union([Type.Literal('above'), Type.Literal('below')])),
  clearMargin: Type.Optional(Type.Number({ minimum: 0 })), clearHoldS: Type.Optional(Type.Number({ minimum: 0 })),
}, { additionalProperties: false });

export const DetectorConfig = Type.Object({
  algorithm: Type.Union(DETECTOR_NAMES.map((n) => Type.Literal(n)), { default: 'auto', description: 'statistical detector on statMetrics' }),
  sensitivity: Type.Number({ minimum: 0, maximum: 1, default: DEFAULT_SENSITIVITY, description: 'seed 002: 0..1, higher = more alerts' }),
  serviceSensitivity: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }), { default: {}, description: 'per-service overrides (raised by the orchestrator during incidents)' }),
  statMetrics: Type.Array(Type.String(), { default: ['latency_ms', 'error_rate'], description: 'metrics the statistical detector watches' }),
  rules: Type.Record(Type.String(), Rule, { default: structuredClone(DEFAULT_RULES), description: 'threshold rules (seed 001 §1.3)' }),
  seed: Type.Integer({ default: 1, description: 'seed of the isolation forest' }),
  clearAfter: Type.Integer({ minimum: 1, default: 6 }),
  deployCheck: Type.Object({
    windowS: Type.Number({ minimum: 0, maximum: 86_400, default: DEFAULT_DEPLOY_CHECK.windowS, description: 'an error rate over the SLO this long after a deploy_version change raises red at once; 0 = off' }),
    meanS: Type.Number({ minimum: 0, maximum: 3600, default: DEFAULT_DEPLOY_CHECK.meanS, description: 'the error rate checked is the mean of the samples of the last meanS seconds (one aggregator window; 0 = each sample alone)' }),
    sloErrorRate: Type.Number({ minimum: 0, maximum: 100, default: DEFAULT_DEPLOY_CHECK.sloErrorRate, description: 'SLO error rate (%) of a service the catalogue does not know (a catalogued service: its sloErrorRate)' }),
  }, { additionalProperties: false, default: {}, description: 'deploy verification: a failing release cannot wait for the error_rate rule\'s 5-minute hold' }),
}, { additionalProperties: false });
type DetectorConfig = Static<typeof DetectorConfig>;

/** Detector: threshold rules with hold and hysteresis, and the statistical brains (NAB-measured). */
export default defineAgent({
  kind: 'detector',
  tier: 'base',
  description: 'yellow/red threshold rules with hold periods, rolling statistics and an auto ensemble',
  consumes: [Subjects.clean],
  produces: [Subjects.alert],
  clock: 'upstream',
  partitionBy: 'service',
  config: DetectorConfig,
  start({ bus, catalog, counters }, initial) {
    let config = initial;
    const sloErrorRateOf = (service: string): number | undefined => catalog.get(service)?.sloErrorRate;
    let core = new DetectorCore(config, sloErrorRateOf);
    bus.on(Subjects.clean, (batch) => {
      for (const alert of core.observe(cleanSamples(batch))) bus.emit(Subjects.alert, [alert.service], alert);
      counters.samples = (counters.samples ?? 0) + batch.value.length;
    });
    return {
      inspect: () => core.state(),
      // Per-service boosts belong to the incidents of a run: a new run starts without them.
      reset: () => {
        core = new DetectorCore({ ...config, serviceSensitivity: {} }, sloErrorRateOf);
        return Object.keys(config.serviceSensitivity).length > 0 ? { ...config, serviceSensitivity: {} } : undefined;
      },
      reconfigure: (next) => { config = next; core.reconfigure(next); },
      directive: (d) => {
        if (d.type === 'set-threshold') return setThreshold(config, d.params);
        if (d.type === 'set-sensitivity') return setSensitivity(config, d.params);
        return { status: 'rejected', detail: `detector does not handle ${d.type}` };
      },
    };
  },
});

function setThreshold(config: DetectorConfig, p: Record<string, unknown>): DirectiveOutcome<DetectorConfig> {
  const metric = p.metric;
  if (typeof metric !== 'string' || metric === '') return { status: 'rejected', detail: 'params.metric is required' };
  const current = own(config.rules, metric) ?? { yellow: Number(p.yellow), red: Number(p.red), holdS: 60 };
  const next = { ...current };
  for (const key of ['yellow', 'red', 'holdS'] as const) {
    if (p[key] === undefined) continue;
    if (typeof p[key] !== 'number') return { status: 'rejected', detail: `params.${key} must be a number` };
    next[key] = p[key];
  }
  try {
    normaliseRule(metric, next);
  } catch (err) {
    return { status: 'rejected', detail: errorMessage(err) };
  }
  return { status: 'applied', detail: `${metric}: yellow ${next.yellow}, red ${next.red}, hold ${next.holdS} s`, config: { ...config, rules: { ...config.rules, [metric]: next } } };
}

function setSensitivity(config: DetectorConfig, p: Record<string, unknown>): DirectiveOutcome<DetectorConfig> {
  const service = typeof p.service === 'string' ? p.service : undefined;
  if (service && p.restore === true) {
    const rest = { ...config.serviceSensitivity };
    delete rest[service];
    return { status: 'applied', detail: `${service}: back to ${config.sensitivity}`, config: { ...config, serviceSensitivity: rest } };
  }
  const s = p.sensitivity;
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) return { status: 'rejected', detail: 'params.sensitivity must be a number from 0 to 1' };
  if (service) return { status: 'applied', detail: `${service}: sensitivity ${s}`, config: { ...config, serviceSensitivity: { ...config.serviceSensitivity, [service]: s } } };
  return { status: 'applied', detail: `sensitivity ${s}`, config: { ...config, sensitivity: s } };
}
