import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, agentKey } from '../runtime/contracts/index.js';
import { readRegistry, STALE_AFTER_MS } from '../runtime/nats/registry.js';

const GONE_AFTER_MS = 60_000;

/**
 * Refuses to play a simulation through a fleet whose collector collects live: its ticks would
 * be ignored and every clock would follow the wall, so the run would "finish" at once with
 * nothing measured. Simulation and live monitoring never share a fleet.
 */
export async function assertSimulationFleet(nc: NatsConnection): Promise<void> {
  const live = await liveCollectors(nc);
  if (live.length > 0) {
    throw new Error(`${live.join(', ')} collects live (a deployment file or set-config mode=live): a simulated run would measure nothing. `
      + "Run simulations on a fleet of their own ('vigil up' without --config, with another --home and --nats-url), "
      + "or switch it back: vigil directive set-config --to collector --patch '{\"mode\":\"sim\"}'");
  }
}

/** The running collectors whose last state says they collect live (a deployment fleet). */
export async function liveCollectors(nc: NatsConnection): Promise<string[]> {
  const state = await new Kvm(nc).open(Buckets.state);
  const live: string[] = [];
  for (const row of await readRegistry(nc)) {
    // A loaded machine delays heartbeats past ps's 'down': only a collector that said it stopped,
    // or has been silent for a minute, is left out.
    const stopped = row.status === 'down' && row.heartbeatAgeMs <= STALE_AFTER_MS;
    if (row.kind !== 'collector' || stopped || row.heartbeatAgeMs > GONE_AFTER_MS) continue;
    const entry = await state.get(agentKey(row.kind, row.agentId));
    const mode = entry && entry.operation === 'PUT' && entry.length > 0 ? (entry.json<{ mode?: string }>()?.mode) : undefined;
    if (mode === 'live') live.push(row.agentId);
  }
  return live;
}
