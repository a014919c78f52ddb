import type { CatalogEntry } from '../runtime/contracts/index.js';
import type { DeployConfig } from './schema.js';
import { deepMerge } from '../runtime/host/config.js';
import type { LoadedDeployment } from './load.js';

/** What a deployment means for the fleet: configuration per agent kind and the catalogue. */
export interface DeployPlan {
  /** Overrides per agent kind; the collector's always names its mode. */
  agents: Record<string, Record<string, unknown>>;
  catalog: CatalogEntry[];
  /** The whole validated deployment (actuators, channels, approvals...), absent for a simulation fleet. */
  deployment?: DeployConfig;
}

/**
 * Turns a deployment into per-agent configuration: the collector goes live with the targets,
 * discovery, probes and receivers (and reports the refused entries), the orchestrator gets
 * dry-run and the policy overrides; the file's `agents` section is merged on top.
 */
export function planDeployment({ config, rejected }: LoadedDeployment): DeployPlan {
  const collector = {
    mode: 'live', intervalS: config.collector.intervalS, scrapeTimeoutMs: config.collector.scrapeTimeoutMs,
    host: config.collector.host, targets: config.targets, fileSd: config.fileSd, probes: config.probes,
    receivers: config.receivers, rejected,
  };
  const orchestrator = {
    dryRun: config.policy.dryRun,
    ...(config.policy.approvals !== undefined ? { approvals: config.policy.approvals } : {}),
    policyChanges: [
      ...config.policy.triggers.map(({ trigger, ...rest }) => ({ type: 'set-trigger', params: { trigger, ...rest } })),
      ...config.policy.overrides.map((o) => ({ type: 'set-policy', params: { path: o.path, value: o.value } })),
    ],
  };
  const agents: Record<string, Record<string, unknown>> = { collector, orchestrator };
  for (const [kind, patch] of Object.entries(config.agents)) agents[kind] = deepMerge(agents[kind] ?? {}, patch);
  return { agents, catalog: config.services, deployment: config };
}

/** The configuration of a fleet started without a deployment file: the simulator feeds it. */
export const SIMULATION_PLAN: DeployPlan = { agents: { collector: { mode: 'sim' } }, catalog: [] };
