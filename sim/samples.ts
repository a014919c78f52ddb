import type { Sample } from '../runtime/contracts/data.js';
import { Metrics, type MetricName } from '../runtime/contracts/metrics.js';
import type { Rng } from './prng.js';
import { isReady, versionNumber, type ServiceState } from './model/service-state.js';

const round = (x: number): number => Math.round(x * 1000) / 1000;
const clampPct = (x: number): number => Math.min(100, Math.max(0, x));

/**
 * The readings of one tick, as a collector would take them: per service `latency_ms` (p95),
 * `error_rate`, `rps` (requests received, errors included, after IP blocks and rate limits),
 * `queue_depth`, `instances` (running, booting included), `deploy_version` (a change marks a
 * deploy), `error_rate_new_version` / `error_rate_old_version` while a release rolls out (what a
 * canary analysis compares), `top_sources_share` (entry services) on instance 'all'; `cpu` and `memory`
 * per serving instance for the first `perInstance` of them (or one 'all' aggregate when 0);
 * `db_pool_usage`, `db_latency_ms` and `db_lock_wait_ms` for databases; `net_latency_ms` (the network
 * round trip to the nodes) for every own service; `heavy_sources_share` and `source_rps_median` at the edge. A partner API is seen only from outside
 * (latency, errors, rps). Canonical metric names, each sample with its unit. Readings carry
 * a little measurement noise from `rng`.
 */
export function buildSamples(states: ServiceState[], ts: number, perInstance: number, rng: Rng): Sample[] {
  const out: Sample[] = [];
  const push = (service: string, instance: string, metric: MetricName, value: number): void => {
    out.push({ service, instance, metric, value: round(value), unit: Metrics[metric].unit, ts });
  };
  for (const s of states) {
    const v = s.last;
    const name = s.name;
    const noisyLatency = v.latencyMs * (1 + 0.03 * rng.gauss());
    push(name, 'all', 'latency_ms', Math.max(0, noisyLatency));
    push(name, 'all', 'error_rate', clampPct(v.errorRate * 100));
    push(name, 'all', 'rps', v.received);
    if (s.spec.kind === 'partner') continue;
    push(name, 'all', 'queue_depth', Math.round(v.queue));
    push(name, 'all', 'instances', v.total);
    push(name, 'all', 'deploy_version', versionNumber(s));
    if (v.versionErrors) {
      push(name, 'all', 'error_rate_new_version', clampPct(v.versionErrors.current * 100));
      push(name, 'all', 'error_rate_old_version', clampPct(v.versionErrors.previous * 100));
    }
    if (v.topSourcesSharePct !== null) push(name, 'all', 'top_sources_share', clampPct(v.topSourcesSharePct));
    if (s.edge) {
      push(name, 'all', 'heavy_sources_share', clampPct(s.edge.heavySharePct));
      push(name, 'all', 'source_rps_median', s.edge.medianSourceRps);
    }
    push(name, 'all', 'net_latency_ms', s.rerouted ? 5 : 1 + s.nodeDegradedMs);
    if (perInstance > 0) {
      let n = 0;
      for (const inst of s.instances) {
        if (n >= perInstance) break;
        if (!isReady(inst, ts)) continue;
        const id = `${name}-${inst.id}`;
        push(name, id, 'cpu', clampPct(v.cpu + 1.5 * rng.gauss()));
        push(name, id, 'memory', clampPct(inst.memPct + 0.3 * rng.gauss()));
        n++;
      }
    } else if (v.ready > 0) {
      push(name, 'all', 'cpu', clampPct(v.cpu + 1.5 * rng.gauss()));
      push(name, 'all', 'memory', clampPct(v.memory + 0.3 * rng.gauss()));
    }
    if (v.poolUsage !== null) push(name, 'all', 'db_pool_usage', clampPct(v.poolUsage));
    if (v.dbLatencyMs !== null) {
      push(name, 'all', 'db_latency_ms', Math.max(0, v.dbLatencyMs * (1 + 0.03 * rng.gauss())));
      push(name, 'all', 'db_lock_wait_ms', s.blockingMs);
    }
  }
  return out;
}
