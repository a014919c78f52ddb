import { Type, type Static } from '@sinclair/typebox';
import { RawUnits } from '../../../runtime/contracts/index.js';

const Name = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Unit = Type.Union(RawUnits.map((u) => Type.Literal(u)), { description: `one of ${RawUnits.join(', ')}` });
const AGGREGATIONS = ['sum', 'avg', 'max', 'min', 'count'] as const;

/** How one Prometheus metric family becomes one vigil metric. */
export const MetricRule = Type.Object({
  from: Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$', description: 'Prometheus metric family (for a histogram: its base name)' }),
  metric: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'the vigil metric it becomes (cpu, latency_ms, rps... or your own)' }),
  type: Type.Union((['auto', 'gauge', 'counter', 'histogram'] as const).map((t) => Type.Literal(t)), {
    default: 'auto', description: "auto: the family's # TYPE line; counters become per-second rates, histograms a quantile",
  }),
  match: Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), Type.String(), {
    default: {}, description: 'label selectors: "v" equals, "!v" differs, "~re" matches, "!~re" does not match',
  }),
  sumBy: Type.Optional(Type.Array(Type.String(), { description: 'sum the selected series within each group of these labels first (e.g. [cpu])' })),
  aggregate: Type.Union(AGGREGATIONS.map((a) => Type.Literal(a)), { default: 'sum', description: 'across the selected series (or the sumBy groups): sum, avg, max, min, count' }),
  quantile: Type.Number({ minimum: 0, maximum: 1, default: 0.95, description: 'histograms: the quantile reported' }),
  scale: Type.Number({ default: 1, description: 'multiplies the value (after rates and aggregation)' }),
  unit: Type.Optional(Unit),
}, { additionalProperties: false });
export type MetricRule = Static<typeof MetricRule>;

export const Tls = Type.Object({
  caFile: Type.Optional(Type.String({ description: 'PEM file of the CA that signed the server certificate' })),
  certFile: Type.Optional(Type.String({ description: 'client certificate (PEM), for mutual TLS' })),
  keyFile: Type.Optional(Type.String({ description: 'client key (PEM), for mutual TLS' })),
  insecureSkipVerify: Type.Boolean({ default: false, description: 'accept any server certificate (tests only)' }),
}, { additionalProperties: false });
export type Tls = Static<typeof Tls>;

const Headers = Type.Record(Type.String(), Type.String(), { default: {}, description: 'HTTP headers sent with each request (e.g. Authorization)' });

/** A Prometheus /metrics endpoint and what to read from it. */
export const ScrapeTarget = Type.Object({
  service: Name,
  instance: Type.Optional(Name),
  url: Type.String({ pattern: '^https?://', description: 'the /metrics URL' }),
  headers: Headers,
  tls: Type.Optional(Tls),
  metrics: Type.Array(MetricRule, { default: [] }),
}, { additionalProperties: false });
export type ScrapeTarget = Static<typeof ScrapeTarget>;

/** Prometheus file_sd files: `[{targets: ["host:port"], labels: {...}}]`, re-read when they change. */
export const FileSd = Type.Object({
  files: Type.Array(Type.String(), { minItems: 1 }),
  service: Type.Optional(Name),
  serviceLabel: Type.String({ default: 'service', description: "the target label naming the service (else 'job', else `service`)" }),
  scheme: Type.Union([Type.Literal('http'), Type.Literal('https')], { default: 'http' }),
  metricsPath: Type.String({ default: '/metrics' }),
  headers: Headers,
  tls: Type.Optional(Tls),
  metrics: Type.Array(MetricRule, { default: [] }),
}, { additionalProperties: false });
export type FileSd = Static<typeof FileSd>;

/** A blackbox probe: an HTTP(S) GET or a TCP connect on a schedule -> availability and latency. */
export const Probe = Type.Object({
  service: Name,
  instance: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'probe' }),
  kind: Type.Union([Type.Literal('http'), Type.Literal('tcp')], { default: 'http' }),
  url: Type.Optional(Type.String({ pattern: '^https?://', description: 'http probes: the URL (e.g. .../health)' })),
  address: Type.Optional(Type.String({ pattern: '^[^:]+:[0-9]{1,5}$', description: 'tcp probes: host:port' })),
  intervalS: Type.Number({ minimum: 0.2, maximum: 3600, default: 10 }),
  timeoutMs: Type.Integer({ minimum: 10, default: 2000 }),
  expectStatus: Type.Array(Type.Integer(), { default: [], description: 'http: accepted codes; empty: any 2xx' }),
  headers: Headers,
  tls: Type.Optional(Tls),
  slaTarget: Type.Number({ minimum: 0, maximum: 100, default: 99.9, description: 'availability promised, percent' }),
}, { additionalProperties: false });
export type Probe = Static<typeof Probe>;

const Listen = (port: number, extra: Record<string, ReturnType<typeof Type.String>> = {}) => Type.Object({
  host: Type.String({ default: '127.0.0.1', description: 'interface to listen on' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: port }),
  ...extra,
}, { additionalProperties: false });

/** Push receivers: Alertmanager webhook (alerts), OTLP/HTTP JSON metrics, StatsD over UDP. */
export const Receivers = Type.Object({
  alertmanager: Type.Optional(Type.Object({
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9095 }),
    serviceLabels: Type.Array(Type.String(), { default: ['service', 'job'], description: 'alert labels naming the service, first present wins' }),
    defaultService: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'unassigned' }),
  }, { additionalProperties: false })),
  otlp: Type.Optional(Listen(4318)),
  statsd: Type.Optional(Type.Object({
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8125 }),
    service: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'statsd', description: "service of metrics without a 'service.' prefix tag" }),
    flushS: Type.Number({ minimum: 0.1, maximum: 60, default: 1 }),
  }, { additionalProperties: false })),
}, { additionalProperties: false, default: {} });
export type Receivers = Static<typeof Receivers>;

export const CollectorConfig = Type.Object({
  mode: Type.Union([Type.Literal('sim'), Type.Literal('live')], { default: 'sim', description: 'sim: samples from vigil.sim.tick; live: scrape, probe and receive on the wall clock' }),
  intervalS: Type.Number({ minimum: 1, maximum: 60, default: 5, description: 'live collection period' }),
  host: Type.Object({
    enabled: Type.Boolean({ default: true }),
    service: Type.String({ default: 'host' }),
  }, { additionalProperties: false, default: {} }),
  targets: Type.Array(ScrapeTarget, { default: [] }),
  fileSd: Type.Array(FileSd, { default: [] }),
  probes: Type.Array(Probe, { default: [] }),
  receivers: Receivers,
  scrapeTimeoutMs: Type.Integer({ minimum: 100, default: 2000 }),
  rejected: Type.Array(Type.String(), { default: [], description: 'entries the deployment file refused, with the reason (shown as degraded)' }),
  bufferSamples: Type.Integer({ minimum: 0, default: 100_000, description: 'samples kept while NATS is unreachable (oldest dropped first)' }),
}, { additionalProperties: false });
export type CollectorConfig = Static<typeof CollectorConfig>;
