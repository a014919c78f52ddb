import type { CatalogEntry } from '../runtime/contracts/index.js';
import { own } from '../runtime/dict.js';
import type { ScalingPolicy } from './schema.js';

/** The last answer per policy object and service, kept while the catalogue entry is the same object. */
const answered = new WeakMap<ScalingPolicy, Map<string, { entry: CatalogEntry; policy: ScalingPolicy | null }>>();

/**
 * The scaling policy of one service: the catalogue's instance bounds and boot delay under the
 * policy's own per-service settings (an operator's set-policy wins); null for a tier vigil calls
 * but does not run. The orchestrator decides and the predictor plans with the same one.
 * The same policy and catalogue entry give the same object back: it is asked for every window
 * of every service (planner and orchestrator), and a fresh copy of the per-service table each
 * time was ~5 % of an offline diurnal run.
 */
export function scalingPolicyFor(p: ScalingPolicy, service: string, entry: CatalogEntry | undefined): ScalingPolicy | null {
  if (!entry) return p;
  let byService = answered.get(p);
  if (!byService) answered.set(p, (byService = new Map()));
  const hit = byService.get(service);
  if (hit && hit.entry === entry) return hit.policy;
  const policy = withBounds(p, service, entry);
  byService.set(service, { entry, policy });
  return policy;
}

function withBounds(p: ScalingPolicy, service: string, entry: CatalogEntry): ScalingPolicy | null {
  if (p.unscaledTiers.includes(entry.tier)) return null;
  const bounds = {
    ...(entry.minInstances === undefined ? {} : { minInstances: entry.minInstances }),
    ...(entry.maxInstances === undefined ? {} : { maxInstances: entry.maxInstances }),
    ...(entry.bootDelayS === undefined ? {} : { bootDelayS: entry.bootDelayS }),
    ...(entry.sloLatencyMs === undefined ? {} : { sloLatencyMs: entry.sloLatencyMs }),
  };
  return Object.keys(bounds).length === 0 ? p : { ...p, services: { ...p.services, [service]: { ...bounds, ...own(p.services, service) } } };
}
