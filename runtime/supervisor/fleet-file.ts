import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `vigil up` writes so that `vigil down`, `vigil ps` and the CLI find the running fleet. */
export interface FleetFile {
  supervisorPid: number;
  natsUrl: string;
  startedServer: boolean;
  serverPid?: number;
  /** nats-server's HTTP monitoring (/varz, /connz, /jsz) on loopback, when vigil started the server. */
  natsMonitorUrl?: string;
  /** Every nats-server started (a loopback cluster has several). */
  serverPids?: number[];
  agents: { agentId: string; kind: string; pid: number | null }[];
  startedAt: number;
}

const FILE = 'fleet.json';

export function writeFleetFile(home: string, fleet: FleetFile): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, FILE), JSON.stringify(fleet, null, 2));
}

export function readFleetFile(home: string): FleetFile | undefined {
  const path = join(home, FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as FleetFile;
}

export function removeFleetFile(home: string): void {
  rmSync(join(home, FILE), { force: true });
}

/** True when a process with this pid exists. */
export function alive(pid: number | undefined | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
