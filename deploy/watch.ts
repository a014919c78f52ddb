import { watchFile } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { agentKinds } from '../agents/registry.js';
import { ConfigError, errorMessage } from '../runtime/errors.js';
import { applyDeployment, savePlan } from './apply.js';
import { loadDeployFile, type LoadedDeployment } from './load.js';
import { planDeployment } from './plan.js';

/**
 * Reloads the deployment file when it changes (polled every second, so editors that replace
 * the file are seen too): a valid file is applied to the running fleet; an invalid one is
 * reported and the previous configuration stays in force, so no service's data stops.
 */
export function watchDeployment(path: string, home: string, nc: NatsConnection, report: (line: string) => void, onApplied?: (loaded: LoadedDeployment) => Promise<void>): () => void {
  let busy = Promise.resolve();
  const reload = (): void => {
    busy = busy.then(async () => {
      try {
        const loaded = loadDeployFile(path);
        savePlan(home, planDeployment(loaded));
        const r = await applyDeployment(nc, loaded, { reconfigure: true });
        report(`${path}: reloaded (${r.agents.join(', ')}; ${r.catalog} services)`);
        r.rejected.forEach((x) => report(`${path}: refused ${x}`));
        await onApplied?.(loaded);
      } catch (err) {
        report(`${path}: not applied, the previous configuration stays: ${errorMessage(err)}`);
      }
    });
  };
  watchFile(path, { interval: 1000 }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) reload();
  });
  return () => { /* the watch lasts as long as the fleet process */ };
}

/**
 * VIGIL_AGENT_CONFIG given to `vigil up`: a JSON object of configuration per agent kind
 * ({"collector": {...}}). Each agent gets only its own kind's part.
 */
export function agentOverridesFromEnv(raw: string | undefined): Record<string, Record<string, unknown>> {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`VIGIL_AGENT_CONFIG is not JSON: ${errorMessage(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError('VIGIL_AGENT_CONFIG: expected {"<kind>": {...}} for vigil up');
  for (const [kind, v] of Object.entries(value)) {
    if (!agentKinds.includes(kind as never)) {
      throw new ConfigError(`VIGIL_AGENT_CONFIG: '${kind}' is not an agent kind (known: ${agentKinds.join(', ')}); under vigil up it maps kinds to their configuration`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`VIGIL_AGENT_CONFIG.${kind}: expected an object`);
  }
  return value as Record<string, Record<string, unknown>>;
}
