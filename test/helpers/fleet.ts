import { spawn } from 'node:child_process';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import { agentKinds } from '../../agents/registry.js';
import { createLogger } from '../../runtime/log.js';
import type { AgentRow } from '../../runtime/nats/registry.js';
import { Supervisor } from '../../runtime/supervisor/supervisor.js';
import { waitForFleet } from '../../runtime/cli/commands/ps.js';
import { REPO_ROOT, startTestNats, type TestNats } from './nats-server.js';
import { currentLeader } from '../../runtime/nats/leader.js';
import { waitFor } from './wait.js';

/** A real fleet for a test file: nats-server on a random port and one OS process per agent. */
export interface TestFleet {
  nats: TestNats;
  supervisor: Supervisor;
  rows(): Promise<AgentRow[]>;
  /** Runs the built CLI (dist) against this fleet; resolves with its exit code and output. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export const CLI = join(REPO_ROOT, 'dist', 'runtime', 'cli', 'main.js');

export async function startTestFleet(opts: { scale?: Partial<Record<string, number>> } = {}): Promise<TestFleet> {
  const nats = await startTestNats();
  const agents = agentKinds.map((kind) => ({ kind, count: opts.scale?.[kind] ?? 1 }));
  const supervisor = new Supervisor({
    home: nats.home, natsUrl: nats.url, creds: nats.creds, agents, heartbeatMs: 500,
    log: createLogger({ component: 'test-supervisor' }, 'silent'),
  });
  await supervisor.start();
  const expected = agents.reduce((n, a) => n + a.count, 0);
  const operator = await nats.connect('operator');
  await waitForFleet(operator, expected, 60_000);
  // Healthy is not leading yet: on a loaded machine the lease may be taken seconds later.
  if (agents.some((a) => a.kind === 'orchestrator' && a.count > 0)) {
    await waitFor('an orchestrator holding the leader lease', async () => (await currentLeader(operator).catch(() => null)) ?? undefined, 60_000, 200);
  }
  const { readRegistry } = await import('../../runtime/nats/registry.js');
  return {
    nats, supervisor,
    rows: () => readRegistry(operator),
    cli: (...args) => runCli(nats, args),
    stop: async () => {
      await operator.close();
      await supervisor.stop(3000);
      await nats.stop();
    },
  };
}

export function runCli(nats: { home: string; url: string }, args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, VIGIL_HOME: nats.home, VIGIL_NATS_URL: nats.url, VIGIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`vigil ${args.join(' ')} timed out; stderr: ${stderr}`)); }, timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

/**
 * One fleet (and an operator connection) for the whole test file: started before the first
 * test, stopped after the last. Read `fleet` and `nc` inside tests only.
 */
export function useTestFleet(opts: Parameters<typeof startTestFleet>[0] = {}): { readonly fleet: TestFleet; readonly nc: NatsConnection } {
  const ctx = {} as { fleet: TestFleet; nc: NatsConnection };
  beforeAll(async () => {
    ctx.fleet = await startTestFleet(opts);
    ctx.nc = await ctx.fleet.nats.connect('operator');
  }, 90_000);
  afterAll(async () => {
    await ctx.nc?.close();
    await ctx.fleet?.stop();
  });
  return ctx;
}
