import { Type, type Static } from '@sinclair/typebox';
import { EventTime, Token, AgentKind } from './primitives.js';
import { RawUnits } from './metrics.js';

/** One raw measurement, as a collector reads it (any unit the filter knows). */
export const Sample = Type.Object({
  service: Token,
  instance: Token,
  metric: Type.String({ minLength: 1, maxLength: 64 }),
  value: Type.Number(),
  unit: Type.Optional(Type.Union(RawUnits.map((u) => Type.Literal(u)))),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.sample.v1' });
export type Sample = Static<typeof Sample>;

/** Most samples one data batch carries (collectors split bigger readings). */
export const MAX_BATCH_SAMPLES = 10_000;
const Indexes = (what: string) => Type.Array(Type.Integer({ minimum: 0 }), { maxItems: MAX_BATCH_SAMPLES, description: `per sample: index into ${what}` });
const Values = Type.Array(Type.Number(), { maxItems: MAX_BATCH_SAMPLES, description: 'per sample: the value (finite)' });
const Times = Type.Array(EventTime, { maxItems: MAX_BATCH_SAMPLES, description: 'per sample: event time, ms' });
const Instances = Type.Array(Token, { maxItems: MAX_BATCH_SAMPLES, description: 'table of instance names' });
const MetricNames = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 256, description: 'table of metric names' });

const Services = Type.Array(Token, { maxItems: MAX_BATCH_SAMPLES, description: 'table of service names' });

/**
 * vigil.raw.<shard>: a collector's batch for the services of one shard (runtime/host/partition.ts:
 * one shard, `0`, unless agents are scaled out), columnar (README "Data on the wire"): tables of
 * services, instances and metrics (each metric with its unit, '' when none), then one array per
 * column, sample i being (services[service[i]], instances[instance[i]], metrics[metric[i]],
 * value[i], ts[i]). One message per shard and tick, encoded once per hop, validated once per batch
 * (contracts/columns.ts adds the checks a JSON Schema cannot say: equal lengths, indexes in range,
 * finite values).
 */
export const RawBatch = Type.Object({
  services: Services,
  instances: Instances,
  metrics: MetricNames,
  units: Type.Array(Type.Union([Type.Literal(''), ...RawUnits.map((u) => Type.Literal(u))]), { maxItems: 256, description: 'unit of each metrics entry' }),
  service: Indexes('services'),
  instance: Indexes('instances'),
  metric: Indexes('metrics'),
  value: Values,
  ts: Times,
}, { additionalProperties: false, $id: 'vigil.raw-batch.v3' });
export type RawBatch = Static<typeof RawBatch>;

/** Service metadata from the catalogue, attached by the filter. */
export const ServiceMeta = Type.Object({
  tier: Type.String(),
  owner: Type.String(),
  criticality: Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]),
  dependsOn: Type.Array(Token),
}, { additionalProperties: false });
export type ServiceMeta = Static<typeof ServiceMeta>;

/** A sample after the filter: canonical metric unit, finite value, in range. */
export const CleanSample = Type.Object({
  service: Token,
  instance: Token,
  metric: Type.String({ minLength: 1, maxLength: 64 }),
  value: Type.Number(),
  ts: EventTime,
}, { additionalProperties: false, $id: 'vigil.clean-sample.v1' });
export type CleanSample = Static<typeof CleanSample>;

/**
 * vigil.clean.<shard>: normalised, enriched samples of one shard's services, columnar like
 * RawBatch (no units: canonical), with each service's catalogue metadata beside its name.
 */
export const CleanBatch = Type.Object({
  services: Services,
  metas: Type.Array(ServiceMeta, { maxItems: MAX_BATCH_SAMPLES, description: 'metadata of each services entry' }),
  instances: Instances,
  metrics: MetricNames,
  service: Indexes('services'),
  instance: Indexes('instances'),
  metric: Indexes('metrics'),
  value: Values,
  ts: Times,
}, { additionalProperties: false, $id: 'vigil.clean-batch.v3' });
export type CleanBatch = Static<typeof CleanBatch>;

/**
 * vigil.watermark.<kind>.<agentId>: "I have processed every input with event time <= ts".
 * An agent's clock is the lowest watermark of its upstream agents (DESIGN §3).
 */
export const Watermark = Type.Object({
  agentId: Token,
  kind: Type.Union([AgentKind, Type.Literal('sim')]),
  ts: EventTime,
  run: Type.String({ maxLength: 128, description: "the simulated run (begin-run's runId) this clock belongs to; '' live" }),
}, { additionalProperties: false, $id: 'vigil.watermark.v2' });
export type Watermark = Static<typeof Watermark>;

/**
 * vigil.sim.tick: the simulator's readings for one tick; the collector's sim source. Columnar like
 * RawBatch (the collector forwards a batch as it came when the fleet has one shard), in batches
 * of at most MAX_BATCH_SAMPLES samples: a tick holds up to 100,000.
 */
export const SimTick = Type.Object({
  runId: Token,
  ts: EventTime,
  batches: Type.Array(RawBatch, { maxItems: 10 }),
}, { additionalProperties: false, $id: 'vigil.sim-tick.v2' });
export type SimTick = Static<typeof SimTick>;

/** One service of the catalogue (KV bucket vigil-catalog, key = service). */
export const CatalogEntry = Type.Object({
  service: Token,
  tier: Type.String({ default: 'app' }),
  owner: Type.String({ default: 'unknown' }),
  criticality: Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')], { default: 'medium' }),
  dependsOn: Type.Array(Token, { default: [] }),
  users: Type.Number({ minimum: 0, default: 0, description: 'users served at peak' }),
  billable: Type.Boolean({ default: false }),
  unitPrice: Type.Number({ minimum: 0, default: 0, description: 'revenue per request (billable services)' }),
  sloLatencyMs: Type.Number({ minimum: 0, default: 300 }),
  sloErrorRate: Type.Number({ minimum: 0, default: 1, description: 'percent' }),
  minInstances: Type.Optional(Type.Integer({ minimum: 0, description: 'floor for scaling in (absent: the scaling policy decides)' })),
  maxInstances: Type.Optional(Type.Integer({ minimum: 1, description: 'quota for scaling out (absent: the scaling policy decides)' })),
  bootDelayS: Type.Optional(Type.Number({ minimum: 0, description: 'seconds a new instance takes to serve (absent: the scaling policy decides)' })),
}, { additionalProperties: false, $id: 'vigil.catalog-entry.v1' });
export type CatalogEntry = Static<typeof CatalogEntry>;
