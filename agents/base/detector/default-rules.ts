/**
 * The default threshold rule set: seed 001 §1.3 (infrastructure and application
 * tables), keyed by canonical metric name. `holdS` is the table's "période": the
 * breach must last that long before the level is raised. The detector agent copies
 * this table at start; `set-threshold` directives change its copy via `setRule`.
 */
import type { ThresholdRule } from './brains/threshold-rules.js';

/** Seed 001 §1.3 thresholds. Direction is inferred (red < yellow means "below"). */
export const DEFAULT_RULES: Readonly<Record<string, Readonly<ThresholdRule>>> = Object.freeze({
  /** CPU utilisation, % (0-100). */
  cpu: { yellow: 70, red: 90, holdS: 300 },
  /** Memory usage, % (0-100). */
  memory: { yellow: 75, red: 95, holdS: 300 },
  /** Disk I/O operations per second. */
  disk_iops: { yellow: 5000, red: 8000, holdS: 60 },
  /** Network throughput, % of capacity. */
  network: { yellow: 80, red: 95, holdS: 300 },
  /** API gateway latency, ms. */
  latency_ms: { yellow: 200, red: 500, holdS: 60 },
  /** Database response time, ms. */
  db_latency_ms: { yellow: 50, red: 200, holdS: 60 },
  /** Messages waiting in the queue. */
  queue_depth: { yellow: 1000, red: 5000, holdS: 60 },
  /** Request error rate, %. */
  error_rate: { yellow: 1, red: 5, holdS: 300 },
  /**
   * Transaction success rate, % (alerts when BELOW). The default 5 % hysteresis would put
   * the clear bound above 100 %: 0.5 % of the threshold (98.49 / 95.48) instead.
   */
  success_rate: { yellow: 98, red: 95, holdS: 300, direction: 'below', clearMargin: 0.005 },
  /**
   * Blackbox probe up, % of the last probe (the collector's probes: 100 answered, 0 did not).
   * Not in seed 001's tables: a service that stops answering its health check for 30 s is red.
   */
  probe_up: { yellow: 99, red: 50, holdS: 30, direction: 'below', clearMargin: 0.005 },
});
