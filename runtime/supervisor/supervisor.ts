import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { connectNats, hostPort, natsReachable, serverList, type NatsConnection } from '../nats/connect.js';
import { setupStores } from '../nats/setup.js';
import type { Credentials } from './credentials.js';
import { alive, writeFleetFile, type FleetFile } from './fleet-file.js';
import { monitoringUrl, serverPaths, startNatsServer } from './nats-server.js';
import { startNatsCluster } from './nats-cluster.js';
import { decideRestart } from './restart-policy.js';
import { watchScrapeTargets } from './scrape-targets.js';
import { formatReplicas } from '../host/partition.js';

/** The package root: the nearest folder above this file with a package.json (source or dist). */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
/** Agents always run from the build, whether the supervisor runs from dist or from source (tests). */
const AGENT_MAIN = join(PACKAGE_ROOT, 'dist', 'runtime', 'agent-main.js');

function findPackageRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${from}`);
}

export interface FleetOptions {
  home: string;
  natsUrl: string;
  creds: Credentials;
  /** Agents to run: kind and how many instances. */
  agents: { kind: string; count: number }[];
  log: Logger;
  /** Called with every notable event, for the person watching `vigil up`. */
  onEvent?(line: string): void;
  heartbeatMs?: number;
  /**
   * Configuration overrides of a kind (the deployment file's), read at every spawn so that a
   * restarted agent gets the current ones. The supervisor's own VIGIL_AGENT_CONFIG never
   * reaches the agents: each gets only its own kind's overrides.
   */
  agentConfig?(kind: string): Record<string, unknown> | undefined;
  /** Replicas of every stream and bucket (3 on a three-node cluster); default 1. */
  replicas?: number;
}

interface Managed { agentId: string; kind: string; partition: string; child: ChildProcess | null; restarts: number[]; failed?: string; held?: boolean }

/**
 * Runs the fleet: starts nats-server when none answers at the URL, creates the streams and
 * buckets, spawns every agent as its own OS process, restarts a crashed one with backoff,
 * and stops everything cleanly.
 */
export class Supervisor {
  /** The nats-server processes this supervisor started (none when it joined running ones). */
  #servers: ChildProcess[] = [];
  #managed: Managed[] = [];
  #stopping = false;
  #nc: NatsConnection | null = null;
  #targets: { stop(): void } | null = null;

  constructor(private readonly opts: FleetOptions) {}

  async start(): Promise<void> {
    const { home, natsUrl, creds } = this.opts;
    mkdirSync(join(home, 'logs'), { recursive: true });
    if (!(await natsReachable(natsUrl))) {
      const servers = serverList(natsUrl);
      if (servers.length > 1) {
        this.event(`starting a ${servers.length}-node nats-server cluster on ${natsUrl}`);
        this.#servers = await startNatsCluster({ confPath: join(PACKAGE_ROOT, 'nats.conf'), natsUrl, home, creds });
      } else {
        const { host, port } = hostPort(servers[0]);
        if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
          throw new Error(`no NATS server answers at ${natsUrl} and vigil only starts one on this machine`);
        }
        this.event(`starting nats-server on port ${port}`);
        this.#servers = [await startNatsServer({ confPath: join(PACKAGE_ROOT, 'nats.conf'), port, creds, ...serverPaths(home) })];
      }
    } else {
      this.event(`joining the NATS server at ${natsUrl}`);
    }
    this.#nc = await connectNats({ url: natsUrl, user: 'operator', password: creds.operator }, 'vigil-supervisor');
    await this.setupStoresWhenReady();
    this.#targets = await watchScrapeTargets(this.#nc, home, this.opts.log);
    for (const { kind, count } of this.opts.agents) {
      for (let i = 1; i <= count; i++) this.#managed.push({ agentId: `${kind}-${i}`, kind, partition: count > 1 ? `${i - 1}/${count}` : '', child: null, restarts: [] });
    }
    for (const m of this.#managed) this.spawnAgent(m);
    this.saveFleet();
  }

  /** Creates the streams and buckets; a cluster just started needs a few seconds to elect its JetStream leader. */
  private async setupStoresWhenReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await setupStores(this.#nc!, { replicas: this.opts.replicas ?? 1 });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`cannot create the streams and buckets on ${this.opts.natsUrl}: ${errorMessage(err)}`);
        this.opts.log.info({ err: errorMessage(err) }, 'JetStream not ready: retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** The operator connection the supervisor holds (for the CLI running in-process). */
  connection(): NatsConnection {
    if (!this.#nc) throw new Error('supervisor not started');
    return this.#nc;
  }

  agents(): { agentId: string; kind: string; pid: number | null; failed?: string }[] {
    return this.#managed.map((m) => ({ agentId: m.agentId, kind: m.kind, pid: m.child?.pid ?? null, failed: m.failed }));
  }

  /** Keeps an agent from being restarted when it exits (maintenance, failover tests). */
  hold(agentId: string): void {
    this.managed(agentId).held = true;
  }

  /** Lets a held agent run again, starting it when it is not running. */
  release(agentId: string): void {
    const m = this.managed(agentId);
    m.held = false;
    if (!m.child && !this.#stopping) { this.spawnAgent(m); this.saveFleet(); }
  }

  private managed(agentId: string): Managed {
    const m = this.#managed.find((x) => x.agentId === agentId);
    if (!m) throw new Error(`no agent ${agentId} in this fleet`);
    return m;
  }

  private spawnAgent(m: Managed): void {
    const { natsUrl, creds, home } = this.opts;
    const logFd = openSync(join(home, 'logs', `${m.agentId}.log`), 'a');
    // VIGIL_AGENT_NODE_ARGS: extra node flags for the agents (e.g. --cpu-prof to profile a run).
    const nodeArgs = (process.env.VIGIL_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const { VIGIL_AGENT_CONFIG: _inherited, ...inherited } = process.env;
    const overrides = this.opts.agentConfig?.(m.kind);
    const child = spawn(process.execPath, [...nodeArgs, AGENT_MAIN, m.kind, m.agentId], {
      env: {
        ...inherited, ...(overrides ? { VIGIL_AGENT_CONFIG: JSON.stringify(overrides) } : {}), VIGIL_NATS_URL: natsUrl, VIGIL_NATS_USER: m.kind, VIGIL_NATS_PASSWORD: creds[m.kind as keyof Credentials],
        VIGIL_HEARTBEAT_MS: String(this.opts.heartbeatMs ?? 1000),
        // Scaled kinds: this replica's share of the services, and every kind's replica count.
        VIGIL_PARTITION: m.partition, VIGIL_REPLICAS: formatReplicas(this.opts.agents),
      },
      stdio: ['ignore', logFd, logFd],
    });
    m.child = child;
    this.event(`started ${m.agentId} (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      m.child = null;
      if (this.#stopping) return;
      if (m.held) { this.event(`${m.agentId} exited (${signal ?? code}); held, not restarted`); return; }
      const decision = decideRestart(code, m.restarts, Date.now());
      if (!decision.restart) {
        m.failed = decision.reason;
        this.event(`${m.agentId} exited (${signal ?? code}); not restarted: ${decision.reason}`);
        this.saveFleet();
        return;
      }
      m.restarts.push(Date.now());
      this.event(`${m.agentId} exited (${signal ?? `code ${code}`}); restarting in ${decision.delayMs} ms`);
      setTimeout(() => { if (!this.#stopping) { this.spawnAgent(m); this.saveFleet(); } }, decision.delayMs);
    });
  }

  private saveFleet(): void {
    const fleet: FleetFile = {
      supervisorPid: process.pid, natsUrl: this.opts.natsUrl, startedServer: this.#servers.length > 0,
      serverPid: this.#servers[0]?.pid, serverPids: this.#servers.map((s) => s.pid!), agents: this.agents(), startedAt: Date.now(),
      natsMonitorUrl: this.#servers[0] ? monitoringUrl(serverPaths(this.opts.home).storeDir, this.#servers[0].pid) : undefined,
    };
    writeFleetFile(this.opts.home, fleet);
  }

  private event(line: string): void {
    this.opts.log.info(line);
    this.opts.onEvent?.(line);
  }

  /** SIGTERM every agent, SIGKILL those still running after `graceMs`, then the server. */
  async stop(graceMs = 5000): Promise<void> {
    this.#stopping = true;
    const running = this.#managed.map((m) => m.child).filter((c): c is ChildProcess => c !== null);
    await Promise.all(running.map((c) => terminate(c, graceMs)));
    this.#targets?.stop();
    if (this.#nc) await this.#nc.drain().catch((err) => this.opts.log.warn({ err: errorMessage(err) }, 'drain failed'));
    await Promise.all(this.#servers.map((s) => terminate(s, graceMs)));
    this.event('fleet stopped');
  }
}

/** Sends SIGTERM and resolves when the process exits (SIGKILL after `graceMs`). */
export function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !alive(child.pid)) return Promise.resolve();
  return new Promise((resolveExit) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(killer); resolveExit(); });
    child.kill('SIGTERM');
  });
}
