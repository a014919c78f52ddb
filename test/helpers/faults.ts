import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { expect } from 'vitest';
import { Subjects } from '../../runtime/contracts/index.js';
import { freePort } from '../../runtime/free-port.js';
import { connectNats } from '../../runtime/nats/connect.js';
import { readRegistry, type AgentRow } from '../../runtime/nats/registry.js';
import { loadCredentials } from '../../runtime/supervisor/credentials.js';
import { alive, readFleetFile, type FleetFile } from '../../runtime/supervisor/fleet-file.js';
import { runCli } from './fleet.js';
import { waitFor } from './wait.js';

/** What `vigil sim run --json` prints that the fault tests compare. */
export interface RunJson {
  actions: { type: string; service: string; t: number }[];
  interrupted: { runId: string; reason: string; atS: number }[];
}

/**
 * A fleet as a user runs it: `vigil up --detach` (its own supervisor process, which starts
 * nats-server) on a free port with its own home, and an operator connection to watch ticks.
 */
export class DetachedFleet {
  readonly home = mkdtempSync(join(tmpdir(), 'vigil-faults-'));
  env!: { home: string; url: string };
  #nc: NatsConnection | null = null;

  async up(): Promise<void> {
    this.env ??= { home: this.home, url: `nats://127.0.0.1:${await freePort()}` };
    const res = await runCli(this.env, ['up', '--detach', '--json', '--timeout', '90000'], 150_000);
    expect(res.code, res.stderr).toBe(0);
    this.#nc ??= await connectNats({ url: this.env.url, user: 'operator', password: loadCredentials(this.home).operator }, 'fault-test');
  }

  fleet(): FleetFile { return readFleetFile(this.home)!; }

  async rows(): Promise<AgentRow[]> { return readRegistry(this.#nc!); }

  /** Resolves when every agent is healthy (after a fault, before the next test). */
  async healthy(count = 9): Promise<AgentRow[]> {
    return waitFor('every agent healthy', async () => {
      const rows = await this.rows();
      return rows.length >= count && rows.every((r) => r.status === 'healthy') ? rows : undefined;
    }, 120_000, 500);
  }

  /** `vigil sim run <scenario>` with `fault` inflicted once `atTick` ticks were published; the run's report. */
  async runWith(scenario: string, seed: number, atTick: number | null, fault: () => Promise<void> | void): Promise<RunJson> {
    let ticks = 0;
    const sub = this.#nc!.subscribe(Subjects.simTick.subject(), { callback: () => { ticks++; } });
    const running = runCli(this.env, ['sim', 'run', scenario, '--seed', String(seed), '--json', '--quiet', '--tick-delay', '20', '--stall-timeout', '180000'], 600_000);
    try {
      if (atTick !== null) {
        await waitFor(`tick ${atTick} of the run`, () => ticks >= atTick, 180_000, 20);
        await fault();
      }
      const res = await running;
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as RunJson;
    } finally {
      sub.unsubscribe();
    }
  }

  async down(): Promise<void> {
    await this.#nc?.close();
    if (this.env) await runCli(this.env, ['down', '--json'], 60_000);
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** kill -9 of one process, and a wait until it is gone. */
export async function kill9(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitFor(`pid ${pid} gone`, () => !alive(pid), 10_000, 20);
}
