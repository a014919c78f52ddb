import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { readRegistry } from '../nats/registry.js';
import { alive, type FleetFile } from './fleet-file.js';

/** A process of a fleet whose supervisor is gone (or unknown): what it is and its pid. */
export interface Orphan { what: string; pid: number }

/** The command line of a process, '' when it is gone or unreadable (another user's). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** True when `pid` is alive and its command line still is what we started (no reused pid). */
export function isOurs(pid: number | null | undefined, marker: string): pid is number {
  return alive(pid) && commandLine(pid!).includes(marker);
}

/** The processes a fleet file names that still run: agents, and nats-server when vigil started it. */
export function orphansOfFleetFile(fleet: FleetFile): Orphan[] {
  const out: Orphan[] = [];
  if (isOurs(fleet.supervisorPid, 'main.js')) out.push({ what: 'supervisor', pid: fleet.supervisorPid });
  for (const a of fleet.agents) if (isOurs(a.pid, 'agent-main')) out.push({ what: a.agentId, pid: a.pid! });
  if (fleet.startedServer) {
    // Every node of a cluster vigil started (serverPids), or the one server of older fleet files.
    const pids = new Set([...(fleet.serverPids ?? []), ...(fleet.serverPid ? [fleet.serverPid] : [])]);
    for (const pid of pids) if (isOurs(pid, 'nats-server')) out.push({ what: 'nats-server', pid });
  }
  return out;
}

/**
 * The agents of this machine the registry (KV vigil-agents) lists as running, with their
 * supervisors: how `vigil down` finds a fleet whose fleet file is gone.
 */
export async function orphansOfRegistry(nc: NatsConnection): Promise<Orphan[]> {
  const here = hostname();
  const out = new Map<number, Orphan>();
  for (const row of await readRegistry(nc)) {
    if (row.host !== here) continue;
    if (row.supervisorPid !== undefined && isOurs(row.supervisorPid, 'main.js')) out.set(row.supervisorPid, { what: 'supervisor', pid: row.supervisorPid });
    if (isOurs(row.pid, 'agent-main')) out.set(row.pid, { what: row.agentId, pid: row.pid });
  }
  // Supervisors first: a supervisor stopped first does not restart the agents ended after it.
  return [...out.values()].sort((a, b) => Number(b.what === 'supervisor') - Number(a.what === 'supervisor'));
}

/** SIGTERM to each, SIGKILL to those still alive after `graceMs`; resolves when all are gone. */
export async function endProcesses(list: Orphan[], graceMs = 10_000): Promise<void> {
  for (const o of list) signal(o.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (list.some((o) => alive(o.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const o of list) if (alive(o.pid)) signal(o.pid, 'SIGKILL');
  while (list.some((o) => alive(o.pid))) await new Promise((r) => setTimeout(r, 50));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    // Gone between the check and the signal: nothing left to end.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
