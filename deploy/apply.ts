import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { definitionOf } from '../agents/registry.js';
import { ALL, Buckets, Streams, type DirectiveType } from '../runtime/contracts/index.js';
import { applyDirective } from '../runtime/nats/directive-client.js';
import type { LoadedDeployment } from './load.js';
import { planDeployment, type DeployPlan } from './plan.js';

/** The KV key (bucket vigil-config) holding the applied deployment, for actuators and notifications. */
export const DEPLOYMENT_KEY = 'deployment';
const PLAN_FILE = 'deployment.json';

/** Saves the plan where the supervisor reads each agent's overrides when it (re)starts one. */
export function savePlan(home: string, plan: DeployPlan): void {
  mkdirSync(home, { recursive: true });
  // It holds the deployment with its ${VAR}s expanded (tokens, webhook URLs): owner-only, like credentials.json.
  writeFileSync(join(home, PLAN_FILE), JSON.stringify(plan, null, 2), { mode: 0o600 });
}

/** The saved plan, or undefined when the fleet runs without a deployment file. */
export function readPlan(home: string): DeployPlan | undefined {
  const path = join(home, PLAN_FILE);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as DeployPlan : undefined;
}

/** What applying a deployment changed. */
export interface ApplyReport { catalog: number; agents: string[]; retention: string[]; rejected: string[] }

/**
 * Writes the parts of a deployment that live in NATS: the catalogue (KV vigil-catalog), the
 * whole deployment (KV vigil-config, key `deployment`) and stream retention. With
 * `reconfigure`, also sends each agent kind its configuration (set-config, and set-trigger /
 * set-policy for policy overrides) through the orchestrator, as `vigil config apply` does.
 */
export async function applyDeployment(nc: NatsConnection, loaded: LoadedDeployment, opts: { reconfigure: boolean }): Promise<ApplyReport> {
  const plan = planDeployment(loaded);
  const kvm = new Kvm(nc);
  const catalog = await kvm.open(Buckets.catalog);
  for (const entry of plan.catalog) await catalog.put(entry.service, JSON.stringify(entry));
  const config = await kvm.open(Buckets.config);
  await config.put(DEPLOYMENT_KEY, JSON.stringify(loaded.config));
  const retention = await applyRetention(nc, loaded.config.retention);
  const agents: string[] = [];
  if (opts.reconfigure) {
    const stamp = Date.now();
    for (const [kind, patch] of Object.entries(plan.agents)) {
      const { policyChanges, ...rest } = patch as { policyChanges?: { type: DirectiveType; params: Record<string, unknown> }[] };
      const to = { tier: definitionOf(kind).tier, kind: kind as never, agentId: ALL };
      await applyDirective(nc, 'set-config', { patch: rest }, to, 'vigil-config', `config-${kind}-${stamp}`);
      for (const [i, change] of (policyChanges ?? []).entries()) {
        await applyDirective(nc, change.type, change.params, to, 'vigil-config', `config-${kind}-${stamp}-${i}`);
      }
      agents.push(kind);
    }
  }
  return { catalog: plan.catalog.length, agents, retention, rejected: loaded.rejected };
}

async function applyRetention(nc: NatsConnection, retention: LoadedDeployment['config']['retention']): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const changed: string[] = [];
  for (const [key, r] of Object.entries(retention)) {
    if (!r) continue;
    const stream = Streams[key as keyof typeof Streams];
    const info = await jsm.streams.info(stream.name);
    await jsm.streams.update(stream.name, {
      ...info.config, max_age: r.maxAgeS * 1e9, ...(r.maxBytes ? { max_bytes: r.maxBytes } : {}),
    });
    changed.push(`${key}: ${r.maxAgeS} s${r.maxBytes ? `, ${r.maxBytes} bytes` : ''}`);
  }
  return changed;
}
