import { Type, type Static } from '@sinclair/typebox';
import { CatalogEntry } from '../runtime/contracts/data.js';
import { ActionType } from '../runtime/contracts/control.js';
import { Token } from '../runtime/contracts/primitives.js';

/**
 * The schema of a scenario file (sim/scenarios/*.json). Every field has a default unless it
 * has to be said; `checkWithDefaults` fills them in. Semantic checks the schema cannot express
 * (references between services, cycles) live in scenario-check.ts.
 */

export const ServiceKind = Type.Union(
  ['app', 'gateway', 'database', 'cache', 'partner'].map((k) => Type.Literal(k)),
  { default: 'app', description: 'partner = an external API we call: not counted in our SLOs' },
);

/** One modelled service: its catalogue entry plus the model's parameters. */
export const ServiceSpec = Type.Object({
  ...CatalogEntry.properties,
  kind: ServiceKind,
  instances: Type.Integer({ minimum: 1, maximum: 500, default: 2, description: 'instances at start' }),
  minInstances: Type.Optional(Type.Integer({ minimum: 1, description: 'floor for scale-in and the HPA; default: instances' })),
  maxInstances: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'quota: scale-out is clamped here' }),
  capacityRps: Type.Number({ exclusiveMinimum: 0, default: 100, description: 'requests/s one instance of size 1 serves at 100 % CPU (its limit)' }),
  cpuLimitRatio: Type.Number({
    minimum: 1, maximum: 8, default: 2,
    description: "the instance's CPU limit over its request (Kubernetes: a pod may use up to its limit): `cpu` readings are percent of the limit, an HPA measures percent of the request",
  }),
  size: Type.Number({ minimum: 0.25, maximum: 16, default: 1, description: 'vertical size factor: capacity, memory and cost scale with it' }),
  baseLatencyMs: Type.Number({ exclusiveMinimum: 0, default: 40, description: 'own p95 service time at low load, dependencies excluded' }),
  timeoutMs: Type.Number({ exclusiveMinimum: 0, default: 5000, description: 'requests waiting longer fail; also the queue bound' }),
  workers: Type.Optional(Type.Integer({ minimum: 1, description: 'concurrent requests per instance; default capacityRps (1 s of work)' })),
  bootDelayS: Type.Number({ minimum: 0, default: 60, description: 'a new instance serves only after this' }),
  restartS: Type.Number({ minimum: 0, default: 20, description: 'one instance is out this long during a restart' }),
  deployS: Type.Number({ minimum: 0, default: 60, description: 'duration of a rollback or redeploy' }),
  costPerInstanceMinute: Type.Number({ minimum: 0, default: 0.002, description: 'currency per instance-minute at size 1' }),
  externalRps: Type.Number({ minimum: 0, default: 0, description: 'user traffic arriving directly (entry services)' }),
  calls: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: 'calls per request to each dependency; default 1' })),
  memBasePct: Type.Number({ minimum: 0, maximum: 100, default: 40 }),
  memLoadPct: Type.Number({ minimum: 0, maximum: 100, default: 15, description: 'extra memory at 100 % load' }),
  cacheMemPct: Type.Number({ minimum: 0, maximum: 100, default: 10, description: 'memory freed by cache-flush' }),
  idleCpuPct: Type.Number({ minimum: 0, maximum: 50, default: 3 }),
  pool: Type.Optional(Type.Object({
    size: Type.Integer({ minimum: 1, description: 'connection slots; a connection is held for the service time' }),
  }, { additionalProperties: false })),
  version: Type.String({ default: 'v1' }),
}, { additionalProperties: false });
export type ServiceSpec = Static<typeof ServiceSpec>;

/** A change of traffic: surge (flash crowd), attack (DDoS from few sources) or replay of a NAB trace. */
export const LoadEvent = Type.Object({
  type: Type.Union([Type.Literal('surge'), Type.Literal('attack'), Type.Literal('replay')]),
  service: Token,
  atS: Type.Number({ minimum: 0, default: 0 }),
  rampS: Type.Number({ minimum: 0, default: 60 }),
  holdS: Type.Number({ minimum: 0, default: 600 }),
  decayS: Type.Number({ minimum: 0, default: 60 }),
  multiplier: Type.Number({ minimum: 0, default: 1, description: 'surge/attack: total load as a multiple of the base' }),
  sources: Type.Integer({ minimum: 1, default: 10, description: 'attack: distinct source addresses' }),
  file: Type.Optional(Type.String({ description: 'replay: CSV (timestamp,value) relative to the repo root' })),
  offset: Type.Integer({ minimum: 0, default: 0, description: 'replay: first row used' }),
  count: Type.Optional(Type.Integer({ minimum: 2, description: 'replay: rows used' })),
  pointS: Type.Number({ exclusiveMinimum: 0, default: 60, description: 'replay: simulated seconds per row' }),
  peakUtilisation: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'replay: the window max maps to this share of the initial capacity' }),
}, { additionalProperties: false });
export type LoadEvent = Static<typeof LoadEvent>;

/** Traffic: a daily cycle, noise, and events (surges, attacks, replays). */
export const LoadSpec = Type.Object({
  diurnalAmplitude: Type.Number({ minimum: 0, maximum: 0.95, default: 0, description: 'load = base x (1 + a cos(2 pi (h - peakHour) / 24))' }),
  peakHour: Type.Number({ minimum: 0, maximum: 24, default: 14 }),
  noisePct: Type.Number({ minimum: 0, maximum: 50, default: 2 }),
  events: Type.Array(LoadEvent, { default: [] }),
}, { additionalProperties: false, default: {} });
export type LoadSpec = Static<typeof LoadSpec>;

/**
 * What can go wrong in the model (see faults.ts for what each changes). `deploy` is a healthy
 * release: the version changes and nothing else does (the change a correlator must not blame).
 */
export const FaultTypes = [
  'deploy', 'bad-deploy', 'memory-leak', 'slow-queries', 'blocking-queries', 'partner-timeout', 'node-degraded', 'data-corruption', 'cpu-hog',
] as const;
export type FaultType = (typeof FaultTypes)[number];

/** Something that goes wrong at `atS` (and heals by itself after `durationS`, if given). */
export const FaultSpec = Type.Object({
  type: Type.Union(FaultTypes.map((t) => Type.Literal(t))),
  service: Token,
  atS: Type.Number({ minimum: 0 }),
  durationS: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  version: Type.String({ default: 'v2', description: 'deploy, bad-deploy: the version deployed' }),
  errorRatePct: Type.Number({ minimum: 0, maximum: 100, default: 10, description: 'bad-deploy, partner-timeout, data-corruption' }),
  latencyFactor: Type.Number({ minimum: 0, default: 1.2, description: 'bad-deploy: service-time multiplier' }),
  pctPerMin: Type.Number({ minimum: 0, default: 1, description: 'memory-leak: memory points per minute per instance' }),
  factor: Type.Number({ minimum: 0, default: 2, description: 'slow-queries: service-time multiplier; cpu-hog: CPU cost per request multiplier' }),
  latencyMs: Type.Number({ minimum: 0, default: 1000, description: 'blocking-queries, node-degraded: added latency; partner-timeout: hang time' }),
}, { additionalProperties: false });
export type FaultSpec = Static<typeof FaultSpec>;

/** What a correct response looks like (read by tests and reports). */
export const ExpectSpec = Type.Object({
  onsetS: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { default: null, description: 'when the trouble starts' }),
  rootCause: Type.Union([Token, Type.Null()], { default: null }),
  fixActions: Type.Array(ActionType, { default: [], description: 'any one of these is a correct fix' }),
  fixService: Type.Optional(Token),
  forbiddenActions: Type.Array(ActionType, { default: [] }),
  mitigateWithinS: Type.Optional(Type.Number({ minimum: 0 })),
  holdS: Type.Number({ minimum: 0, default: 120, description: 'SLOs must hold this long to count as mitigated' }),
  notes: Type.String({ default: '' }),
}, { additionalProperties: false, default: {} });
export type ExpectSpec = Static<typeof ExpectSpec>;

/** A live HTTP service instead of (or beside) the model: see sim/live/. */
export const LiveSpec = Type.Object({
  service: Token,
  entry: Type.String({ default: 'dist/sim/live/billable-api.js' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
  unitPrice: Type.Number({ minimum: 0, default: 0.05 }),
  loadRps: Type.Number({ exclusiveMinimum: 0, maximum: 500, default: 20 }),
  loadDurationS: Type.Number({ exclusiveMinimum: 0, maximum: 600, default: 30 }),
}, { additionalProperties: false });
export type LiveSpec = Static<typeof LiveSpec>;

/** A whole scenario file. */
export const ScenarioFile = Type.Object({
  $schema: Type.Optional(Type.String()),
  name: Token,
  description: Type.String({ default: '' }),
  seed: Type.Integer({ minimum: 0, default: 1 }),
  startTs: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', default: '2026-01-05T00:00:00Z' }),
  durationS: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
  tickS: Type.Integer({ minimum: 1, maximum: 600, default: 10 }),
  pipeline: Type.Integer({
    minimum: 1, maximum: 30, default: 1,
    description: 'ticks the simulator may run ahead of the orchestrator; an action issued at t is applied at t + (pipeline - 1) ticks',
  }),
  sampleInstances: Type.Integer({ minimum: 0, maximum: 10, default: 2, description: 'per-instance cpu/memory for the first N; 0 = one "all" aggregate' }),
  services: Type.Array(ServiceSpec, { minItems: 1, maxItems: 200 }),
  load: LoadSpec,
  faults: Type.Array(FaultSpec, { default: [] }),
  expect: ExpectSpec,
  live: Type.Optional(LiveSpec),
}, { additionalProperties: false, $id: 'vigil.sim-scenario.v1' });
export type ScenarioFile = Static<typeof ScenarioFile>;

/** A validated scenario, ready for createWorld: defaults filled, traces read, times resolved. */
export type Scenario = ScenarioFile & {
  /** Where it was read from (file path), for messages. */
  source: string;
  /** startTs in ms since the epoch. */
  startMs: number;
  /** Replay traces by `file` as written in the scenario: the raw values, in row order. */
  traces: Record<string, number[]>;
};
