/**
 * What the live demo sets up around its cluster: the versions it can run, the exec actuator's
 * configuration (the cluster's control command for each action type), the collector's target
 * (the balancer's /metrics) and the service's catalogue entry.
 */
import { join } from 'node:path';
import type { ActuatorsConfig } from '../../../actuators/config.js';
import type { CatalogEntry } from '../../../runtime/contracts/index.js';
import { repoRoot } from '../../scenario-loader.js';
import type { VersionSpec } from './instances.js';

export const DEMO_SERVICE = 'billable';

/** v1 is healthy; v2 is a bad release: 30 % of /pay answers fail and each takes 40 ms more. */
export const DEMO_VERSIONS: Record<string, VersionSpec> = {
  v1: { args: [] },
  v2: { args: ['--error-rate', '0.3', '--latency-ms', '40'] },
};

const CTL = join(repoRoot(), 'dist', 'sim', 'live', 'cluster', 'ctl-main.js');

/** The exec actuator of the demo: every action the orchestrator may take on the cluster. */
export function demoActuators(dir: string): ActuatorsConfig {
  const ctl = (...args: string[]): string[] => [process.execPath, CTL, '--dir', dir, ...args];
  return [{
    name: 'demo-cluster', type: 'exec', services: [DEMO_SERVICE], timeoutS: 60, env: {},
    probe: { run: ctl('state') },
    commands: {
      'scale-out': { run: ctl('scale', '{params.instances}') },
      'scale-in': { run: ctl('scale', '{params.instances}') },
      restart: { run: ctl('restart') },
      'rollback-deploy': { run: ctl('deploy', '{params.version}'), undo: ctl('deploy', '{before.version}') },
      redeploy: { run: ctl('deploy', '{params.version}') },
    },
  }];
}

/** The collector's live target: the balancer's gauges are what callers of the service see. */
export function demoTarget(balancerUrl: string): Record<string, unknown> {
  const gauge = (from: string, metric: string, unit: string): Record<string, unknown> => ({ from, metric, type: 'gauge', unit });
  return {
    service: DEMO_SERVICE, instance: 'lb', url: `${balancerUrl}/metrics`,
    metrics: [
      gauge('lb_rps', 'rps', 'rps'),
      gauge('lb_error_rate_percent', 'error_rate', 'percent'),
      gauge('lb_latency_p95_ms', 'latency_ms', 'ms'),
      gauge('lb_backends', 'instances', 'count'),
      gauge('lb_deploy_version', 'deploy_version', 'count'),
    ],
  };
}

export function demoCatalogEntry(maxInstances: number): CatalogEntry {
  return {
    service: DEMO_SERVICE, tier: 'app', owner: 'payments', criticality: 'critical', dependsOn: [], users: 1000,
    billable: true, unitPrice: 0.05, sloLatencyMs: 300, sloErrorRate: 1, minInstances: 2, maxInstances,
  };
}
