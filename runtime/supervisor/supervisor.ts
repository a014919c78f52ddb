import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentNodeArgs } from '../agent-node-args.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { connectNats, hostPort, natsReachable, serverList, type NatsConnection } from '../nats/connect.js';
import { setupStores } from '../nats/setup.js';
import { Subjects } from '../contracts/index.js';
import type { Credentials } from './credentials.js';
import { writeFleetFile, type FleetFile } from './fleet-file.js';
import { monitoringUrl, serverPaths } from './nats-server.js';
import { clusterNodes } from './nats-cluster.js';
import { ServerKeeper } from './server-keeper.js';
import { terminate } from './terminate.js';
import { decideRestart } from './restart-policy.js';
import { watchScrapeTargets } from './scrape-targets.js';
import { formatReplicas } from '../host/partition.js';

/** The package root: the nearest folder above this file with a package.json (source or dist). */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
/** Agents always run from the build, whether the supervisor runs from dist or from source (tests). */
const AGENT_MAIN = join(PACKAGE_ROOT, 'dist', 'runtime', 'agent-main.js');

/** How long a started agent may take to send its first heartbeat before it counts as hung. */
const STARTUP_GRACE_MS = 60_000;

export { terminate };

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
  /** An agent without a heartbeat this long is hung: killed and restarted (default max(10 s, 10 heartbeats)). */
  hungAfterMs?: number;
}

interface Managed {
  agentId: string; kind: string; partition: string; child: ChildProcess | null; restarts: number[]; failed?: string; held?: boolean;
  /** Wall time of its last heartbeat, or of its start: the hung-agent deadline counts from here. */
  lastSign: number;
  /** Whether the running process has sent a heartbeat yet (before that, the start-up grace applies). */
  beating?: boolean;
}

/**
 * Runs the fleet: starts nats-server when none answers at the URL, creates the streams and
 * buckets, spawns every agent as its own OS process, restarts a crashed one with backoff,
 * and stops everything cleanly.
 */
export class Supervisor {
  /** The nats-server processes this supervisor started (none when it joined running ones), restarted when they die. */
  #servers = new ServerKeeper({ event: (line) => this.event(line), changed: () => this.saveFleet() });
  #managed: Managed[] = [];
  #stopping = false;
  #nc: NatsConnection | null = null;
  #targets: { stop(): void } | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  /** Wall time the supervisor's own connection last came (back) up: no heartbeat can be expected before. */
  #connectedSince = Date.now();

  constructor(private readonly opts: FleetOptions) {}

  /** How long an agent may go without a heartbeat before it is killed and restarted (hung). */
  private hungAfterMs(): number {
    return this.opts.hungAfterMs ?? Math.max(10_000, 10 * (this.opts.heartbeatMs ?? 1000));
  }

  async start(): Promise<void> {
    const { home, natsUrl, creds } = this.opts;
    mkdirSync(join(home, 'logs'), { recursive: true });
    if (!(await natsReachable(natsUrl))) {
      const servers = serverList(natsUrl);
      if (servers.length > 1) {
        this.event(`starting a ${servers.length}-node nats-server cluster on ${natsUrl}`);
        await this.#servers.start(clusterNodes({ confPath: join(PACKAGE_ROOT, 'nats.conf'), natsUrl, home, creds }));
      } else {
        const { host, port } = hostPort(servers[0]);
        if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
          throw new Error(`no NATS server answers at ${natsUrl} and vigil only starts one on this machine`);
        }
        this.event(`starting nats-server on port ${port}`);
        await this.#servers.start([{ confPath: join(PACKAGE_ROOT, 'nats.conf'), port, creds, ...serverPaths(home) }]);
      }
    } else {
      this.event(`joining the NATS server at ${natsUrl}`);
    }
    this.#nc = await connectNats({ url: natsUrl, user: 'operator', password: creds.operator }, 'vigil-supervisor');
    await this.setupStoresWhenReady();
    this.#targets = await watchScrapeTargets(this.#nc, home, this.opts.log);
    this.watchHeartbeats(this.#nc);
    for (const { kind, count } of this.opts.agents) {
      for (let i = 1; i <= count; i++) this.#managed.push({ agentId: `${kind}-${i}`, kind, partition: count > 1 ? `${i - 1}/${count}` : '', child: null, restarts: [], lastSign: Date.now() });
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

  /**
   * Heartbeats keep each agent's deadline; an agent silent past it while the supervisor's own
   * connection is up is hung (SIGSTOP, a busy loop): it is killed, and restarted like a crash.
   */
  private watchHeartbeats(nc: NatsConnection): void {
    nc.subscribe(Subjects.heartbeat.filter, {
      callback: (err, msg) => {
        if (err) { this.opts.log.warn({ err: errorMessage(err) }, 'heartbeat subscription error'); return; }
        const agentId = Subjects.heartbeat.parse(msg.subject)?.agentId;
        const m = this.#managed.find((x) => x.agentId === agentId);
        if (m) { m.lastSign = Date.now(); m.beating = true; }
      },
    });
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'reconnect') this.#connectedSince = Date.now();
    })();
    this.#watchdog = setInterval(() => this.killHung(), 1000);
  }

  private killHung(): void {
    const now = Date.now();
    for (const m of this.#managed) {
      const since = Math.max(m.lastSign, this.#connectedSince);
      // A starting agent (no heartbeat yet) gets a longer grace: start-up is slow on a loaded machine.
      const deadline = m.beating ? this.hungAfterMs() : Math.max(STARTUP_GRACE_MS, this.hungAfterMs());
      if (!m.child || m.child.exitCode !== null || now - since < deadline) continue;
      this.event(`${m.agentId} hung: no heartbeat for ${now - since} ms; killing it (pid ${m.child.pid})`);
      m.lastSign = now;
      m.child.kill('SIGKILL');
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
    // The agents' node flags, and VIGIL_AGENT_NODE_ARGS: extra ones (e.g. --cpu-prof to profile a run).
    const nodeArgs = agentNodeArgs();
    const { VIGIL_AGENT_CONFIG: _inherited, ...inherited } = process.env;
    const overrides = this.opts.agentConfig?.(m.kind);
    const child = spawn(process.execPath, [...nodeArgs, AGENT_MAIN, m.kind, m.agentId], {
      env: {
        ...inherited, ...(overrides ? { VIGIL_AGENT_CONFIG: JSON.stringify(overrides) } : {}), VIGIL_NATS_URL: natsUrl, VIGIL_NATS_USER: m.kind, VIGIL_NATS_PASSWORD: creds[m.kind as keyof Credentials],
        VIGIL_HEARTBEAT_MS: String(this.opts.heartbeatMs ?? 1000), VIGIL_SUPERVISOR_PID: String(process.pid),
        // Scaled kinds: this replica's share of the services, and every kind's replica count.
        VIGIL_PARTITION: m.partition, VIGIL_REPLICAS: formatReplicas(this.opts.agents),
      },
      stdio: ['ignore', logFd, logFd],
    });
    m.child = child;
    m.lastSign = Date.now();
    m.beating = false;
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
    const servers = this.#servers.children();
    const fleet: FleetFile = {
      supervisorPid: process.pid, natsUrl: this.opts.natsUrl, startedServer: this.#servers.started(),
      serverPid: servers[0]?.pid, serverPids: servers.map((s) => s.pid!), agents: this.agents(), startedAt: Date.now(),
      natsMonitorUrl: servers[0] ? monitoringUrl(serverPaths(this.opts.home).storeDir, servers[0].pid) : undefined,
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
    if (this.#watchdog) clearInterval(this.#watchdog);
    const running = this.#managed.map((m) => m.child).filter((c): c is ChildProcess => c !== null);
    await Promise.all(running.map((c) => terminate(c, graceMs)));
    this.#targets?.stop();
    if (this.#nc) await this.#nc.drain().catch((err) => this.opts.log.warn({ err: errorMessage(err) }, 'drain failed'));
    await this.#servers.stop(graceMs);
    this.event('fleet stopped');
  }
}
