/**
 * The canonical metric names every agent and the simulator agree on, with their unit.
 * The filter normalises incoming samples to these units; the detector's default rules,
 * the policies' triggers and the simulator's service model all use these names. A `utilisation`
 * reads demand over the capacity in place: twice the load reads twice as high, twice the capacity half.
 */
export const Metrics = {
  cpu: { unit: 'percent', help: 'CPU utilisation, 0-100', utilisation: true },
  memory: { unit: 'percent', help: 'memory in use, 0-100' },
  disk_iops: { unit: 'ops', help: 'disk I/O operations per second' },
  io_latency_ms: { unit: 'ms', help: 'disk I/O latency' },
  network: { unit: 'percent', help: 'network throughput, percent of capacity', utilisation: true },
  latency_ms: { unit: 'ms', help: 'request latency (p95) seen by callers' },
  db_latency_ms: { unit: 'ms', help: 'database response time' },
  queue_depth: { unit: 'count', help: 'messages waiting in the work queue' },
  error_rate: { unit: 'percent', help: 'failed requests, 0-100' },
  success_rate: { unit: 'percent', help: 'successful transactions, 0-100' },
  rps: { unit: 'rps', help: 'requests per second served' },
  db_pool_usage: { unit: 'percent', help: 'connection-pool slots in use, 0-100', utilisation: true },
  instances: { unit: 'count', help: 'running instances' },
  deploy_version: { unit: 'count', help: 'version number currently deployed (a change marks a deploy)' },
  error_rate_new_version: { unit: 'percent', help: 'while a release rolls out: failed requests on the instances already on the new version, 0-100 (the canary)' },
  error_rate_old_version: { unit: 'percent', help: 'while a release rolls out: failed requests on the instances still on the previous version, 0-100 (the baseline)' },
  top_sources_share: { unit: 'percent', help: 'share of requests coming from the 10 busiest sources' },
  heavy_sources_share: { unit: 'percent', help: 'share of requests from sources sending over 10 times the median source rate' },
  source_rps_median: { unit: 'rps', help: 'requests per second of the median source address' },
  db_lock_wait_ms: { unit: 'ms', help: 'time a query waits on locks held by other transactions, mean' },
  net_latency_ms: { unit: 'ms', help: "network round trip to the service's nodes" },
  memory_mb: { unit: 'count', help: 'resident memory per instance, MiB' },
} as const;

export type MetricName = keyof typeof Metrics;

/** Whether a metric is a utilisation (see Metrics): false for unknown names. */
export function isUtilisation(metric: string): boolean {
  const m = (Metrics as Record<string, { utilisation?: boolean }>)[metric];
  return m?.utilisation === true;
}
export const metricNames = Object.keys(Metrics) as MetricName[];

/** Units a raw sample may carry; the filter converts them to the canonical unit. */
export const RawUnits = ['percent', 'ratio', 'ms', 's', 'us', 'bytes', 'count', 'ops', 'rps'] as const;
export type RawUnit = (typeof RawUnits)[number];
