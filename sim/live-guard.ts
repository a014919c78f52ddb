import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets } from '../runtime/contracts/index.js';
import { readRegistry } from '../runtime/nats/registry.js';

/**
 * Refuses to play a simulation through a fleet whose collector collects live: its ticks would
 * be ignored and every clock would follow the wall, so the run would "finish" at once with
 * nothing measured. Simulation and live monitoring never share a fleet.
 */
export async function assertSimulationFleet(nc: NatsConnection): Promise<void> {
  const state = await new Kvm(nc).open(Buckets.state);
  const live: string[] = [];
  for (const row of await readRegistry(nc)) {
    if (row.kind !== 'collector' || row.status === 'down') continue;
    const entry = await state.get(row.agentId);
    const mode = entry && entry.operation === 'PUT' && entry.length > 0 ? (entry.json<{ mode?: string }>()?.mode) : undefined;
    if (mode === 'live') live.push(row.agentId);
  }
  if (live.length > 0) {
    throw new Error(`${live.join(', ')} collects live (a deployment file or set-config mode=live): a simulated run would measure nothing. `
      + "Run simulations on a fleet of their own ('vigil up' without --config, with another --home and --nats-url), "
      + "or switch it back: vigil directive set-config --to collector --patch '{\"mode\":\"sim\"}'");
  }
}
