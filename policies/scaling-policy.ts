import type { CatalogEntry } from '../runtime/contracts/index.js';
import { own } from '../runtime/dict.js';
import type { ScalingPolicy } from './schema.js';

/**
 * The scaling policy of one service: the catalogue's instance bounds and boot delay under the
 * policy's own per-service settings (an operator's set-policy wins); null for a tier vigil calls
 * but does not run. The orchestrator decides and the predictor plans with the same one.
 */
export function scalingPolicyFor(p: ScalingPolicy, service: string, entry: CatalogEntry | undefined): ScalingPolicy | null {
  if (!entry) return p;
  if (p.unscaledTiers.includes(entry.tier)) return null;
  const bounds = {
    ...(entry.minInstances === undefined ? {} : { minInstances: entry.minInstances }),
    ...(entry.maxInstances === undefined ? {} : { maxInstances: entry.maxInstances }),
    ...(entry.bootDelayS === undefined ? {} : { bootDelayS: entry.bootDelayS }),
    ...(entry.sloLatencyMs === undefined ? {} : { sloLatencyMs: entry.sloLatencyMs }),
  };
  return Object.keys(bounds).length === 0 ? p : { ...p, services: { ...p.services, [service]: { ...bounds, ...own(p.services, service) } } };
}
