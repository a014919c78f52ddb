import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, type NatsConnection } from '../nats/connect.js';
import { setupStores } from '../nats/setup.js';
import { generateCredentials, type Credentials, type Role } from '../supervisor/credentials.js';
import { startNatsServer } from '../supervisor/nats-server.js';
import { PACKAGE_ROOT, terminate } from '../supervisor/supervisor.js';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A private nats-server and agent processes for a benchmark, all on loopback, removed afterwards. */
export class BenchFleet {
  private constructor(
    readonly url: string,
    readonly creds: Credentials,
    private readonly home: string,
    private readonly server: ChildProcess,
    private readonly agents: ChildProcess[] = [],
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

  /** Spawns one agent process of `kind` (id `<kind>-1`). */
  spawnAgent(kind: Role): void {
    // VIGIL_BENCH_PROFILE=<dir>: every agent writes a CPU profile there (open it in Chrome DevTools).
    const profile = process.env.VIGIL_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.VIGIL_BENCH_PROFILE}`] : [];
    this.agents.push(spawn(process.execPath, [...profile, join(PACKAGE_ROOT, 'dist', 'runtime', 'agent-main.js'), kind], {
      env: { ...process.env, VIGIL_NATS_URL: this.url, VIGIL_NATS_USER: kind, VIGIL_NATS_PASSWORD: this.creds[kind], VIGIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => terminate(a, 3000)));
    await terminate(this.server, 3000);
    rmSync(this.home, { recursive: true, force: true });
  }
}
