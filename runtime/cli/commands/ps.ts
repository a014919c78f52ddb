import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { NatsConnection } from '@nats-io/transport-node';
import { agentKinds } from '../../../agents/registry.js';
import { readRegistry, type AgentRow } from '../../nats/registry.js';
import { readFleetFile } from '../../supervisor/fleet-file.js';
import { scrapeTargetsPath } from '../../supervisor/scrape-targets.js';
import { cliEnv, output, table, withOperator } from '../context.js';

/** `vigil ps`: every agent with id, kind, tier, pid, status, last heartbeat and lag. */
export function registerPs(program: Command): void {
  program.command('ps')
    .description('list every agent: id, kind, tier, pid, status (starting, healthy, degraded, down), last heartbeat, lag')
    .option('--json', 'print the agents as a JSON array')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const env = cliEnv(cmd);
      const rows = await withOperator(env, (nc) => readRegistry(nc));
      output(Boolean(opts.json), sortRows(rows), () => [formatFleet(sortRows(rows)), ...scrapeNotes(env.home)].join('\n'));
    });
}

/** Where Prometheus finds the fleet: the file_sd targets file and nats-server's monitoring port. */
function scrapeNotes(home: string): string[] {
  const notes: string[] = [];
  if (existsSync(scrapeTargetsPath(home))) notes.push(`\nPrometheus targets (file_sd): ${scrapeTargetsPath(home)}`);
  const monitor = readFleetFile(home)?.natsMonitorUrl;
  if (monitor) notes.push(`nats-server monitoring: ${monitor} (/varz /connz /jsz)`);
  return notes;
}

function sortRows(rows: AgentRow[]): AgentRow[] {
  return [...rows].sort((a, b) => agentKinds.indexOf(a.kind) - agentKinds.indexOf(b.kind) || a.agentId.localeCompare(b.agentId, 'en', { numeric: true }));
}

export function formatFleet(rows: AgentRow[]): string {
  if (rows.length === 0) return 'no agent has registered yet';
  return table(['ID', 'KIND', 'TIER', 'PID', 'STATUS', 'HEARTBEAT', 'LAG', 'METRICS', 'DETAIL'], rows.map((r) => [
    r.agentId, r.kind, r.tier, r.pid, r.status, `${(r.heartbeatAgeMs / 1000).toFixed(1)}s ago`, `${(r.lagMs / 1000).toFixed(1)}s`,
    r.metricsPort ? `http://127.0.0.1:${r.metricsPort}/metrics` : '-',
    r.status === 'degraded' ? r.detail ?? '' : '',
  ]));
}

/** Waits until `expected` agents run (healthy, or degraded with a reason); throws naming those that do not in time. */
export async function waitForFleet(nc: NatsConnection, expected: number, timeoutMs: number): Promise<AgentRow[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: AgentRow[] = [];
  while (Date.now() < deadline) {
    try {
      rows = await readRegistry(nc);
    } catch {
      // The buckets do not exist until the supervisor has created them: keep waiting.
      rows = [];
    }
    if (rows.filter((r) => r.status === 'healthy' || r.status === 'degraded').length >= expected) return sortRows(rows);
    await new Promise((r) => setTimeout(r, 200));
  }
  const notHealthy = rows.filter((r) => r.status !== 'healthy' && r.status !== 'degraded').map((r) => `${r.agentId} (${r.status})`);
  throw new Error(`the fleet is not healthy after ${timeoutMs} ms: ${rows.length}/${expected} registered; not healthy: ${notHealthy.join(', ') || 'none'}`);
}
