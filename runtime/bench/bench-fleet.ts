import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, type NatsConnection } from '../nats/connect.js';
import { setupStores } from '../nats/setup.js';
import { generateCredentials, type Credentials, type Role } from '../supervisor/credentials.js';
import { startNatsServer } from '../supervisor/nats-server.js';
import { PACKAGE_ROOT, terminate } from '../supervisor/supervisor.js';

import { freePort } from '../free-port.js';
import { agentNodeArgs } from '../agent-node-args.js';

export { freePort };

/** A private nats-server and agent processes for a benchmark, all on loopback, removed afterwards. */
export class BenchFleet {
  private constructor(
    readonly url: string,
    readonly creds: Credentials,
    private readonly home: string,
    private readonly server: ChildProcess,
    private readonly agents: { agentId: string; kind: Role; child: ChildProcess }[] = [],
  ) {}

  static async start(): Promise<BenchFleet> {
    const home = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
    const creds = generateCredentials();
    const port = await freePort();
    const server = await startNatsServer({ confPath: join(PACKAGE_ROOT, 'nats.conf'), port, storeDir: join(home, 'js'), logFile: join(home, 'nats.log'), creds });
    const fleet = new BenchFleet(`nats://127.0.0.1:${port}`, creds, home, server);
    const admin = await fleet.connect('operator');
    await setupStores(admin);
    await admin.close();
    return fleet;
  }

  connect(role: Role): Promise<NatsConnection> {
    return connectNats({ url: this.url, user: role, password: this.creds[role] }, `bench-${role}`);
  }

  /** Spawns one agent process of `kind` (id `<kind>-1` unless given), with extra environment. */
  spawnAgent(kind: Role, agentId = `${kind}-1`, env: Record<string, string> = {}): void {
    // VIGIL_BENCH_PROFILE=<dir>: every agent writes a CPU profile there (open it in Chrome DevTools).
    const profile = process.env.VIGIL_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.VIGIL_BENCH_PROFILE}`] : [];
    const child = spawn(process.execPath, [...agentNodeArgs(), ...profile, join(PACKAGE_ROOT, 'dist', 'runtime', 'agent-main.js'), kind, agentId], {
      env: { ...process.env, VIGIL_NATS_URL: this.url, VIGIL_NATS_USER: kind, VIGIL_NATS_PASSWORD: this.creds[kind], VIGIL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.agents.push({ agentId, kind, child });
  }

  /** The agent processes: id, kind and pid. */
  processes(): { agentId: string; kind: Role; pid: number }[] {
    return this.agents.map((a) => ({ agentId: a.agentId, kind: a.kind, pid: a.child.pid! }));
  }

  /** The nats-server's pid. */
  serverPid(): number { return this.server.pid!; }

  /** Waits (up to 30 s) until every agent answers $SRV.PING on its service. */
  async waitReady(nc: NatsConnection): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (const kind of new Set(this.agents.map((a) => a.kind))) {
      const expected = this.agents.filter((a) => a.kind === kind).length;
      for (;;) {
        const replies: unknown[] = [];
        // An empty reply is the server's 'no responders' status, not an agent.
        const inbox = nc.subscribe(`_INBOX.bench-ping-${kind}-${Date.now()}`, { callback: (_e, m) => { if (m.data.length > 0) replies.push(m.data); } });
        nc.publish(`$SRV.PING.vigil-${kind}`, '', { reply: inbox.getSubject() });
        await new Promise((r) => setTimeout(r, 300));
        inbox.unsubscribe();
        if (replies.length >= expected) break;
        if (Date.now() > deadline) throw new Error(`only ${replies.length} of ${expected} ${kind} agent(s) answered within 30 s`);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => terminate(a.child, 3000)));
    await terminate(this.server, 3000);
    rmSync(this.home, { recursive: true, force: true });
  }
}
