import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { natsReachable } from '../nats/connect.js';
import { serverEnv, type Credentials } from './credentials.js';

/** Finds the nats-server binary (PATH, then Debian's /usr/sbin) or explains how to get it. */
export function findNatsServer(): string {
  for (const candidate of [process.env.VIGIL_NATS_SERVER, 'nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server']) {
    if (!candidate) continue;
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  throw new ConfigError("nats-server not found: install it with 'sudo apt-get install -y nats-server' (Debian/Ubuntu) or from https://github.com/nats-io/nats-server/releases, or point VIGIL_NATS_URL at a running server");
}

export interface ServerOptions {
  confPath: string; port: number; storeDir: string; logFile: string; creds: Credentials;
  /** One node of a loopback cluster: its name, its route port and the others' route ports. */
  cluster?: { serverName: string; port: number; routes: number[] };
}

/** nats-server flags that make a node join the loopback cluster `vigil` (JetStream needs a server name). */
function clusterArgs(c: NonNullable<ServerOptions['cluster']>): string[] {
  return ['-n', c.serverName, '--cluster_name', 'vigil', '--cluster', `nats://127.0.0.1:${c.port}`,
    '--routes', c.routes.map((p) => `nats://127.0.0.1:${p}`).join(',')];
}

/**
 * Starts nats-server with nats.conf and waits until it answers; kills it if it never does. Its
 * HTTP monitoring (/varz, /connz, /jsz) listens on a free loopback port, written with the client
 * port to `nats-server_<pid>.ports` beside the store (see monitoringUrl).
 */
export async function startNatsServer(opts: ServerOptions, timeoutMs = 10_000): Promise<ChildProcess> {
  const bin = findNatsServer();
  mkdirSync(opts.storeDir, { recursive: true });
  const log = openSync(opts.logFile, 'a');
  const args = ['-c', opts.confPath, '-a', '127.0.0.1', '-p', String(opts.port), '-m', '-1', '--ports_file_dir', dirname(opts.storeDir), '-js', '-sd', opts.storeDir, ...(opts.cluster ? clusterArgs(opts.cluster) : [])];
  const child = spawn(bin, args, {
    env: { ...process.env, ...serverEnv(opts.creds) },
    stdio: ['ignore', log, log],
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new ConfigError(`nats-server exited with code ${child.exitCode}: see ${opts.logFile}`);
    if (await natsReachable(`nats://127.0.0.1:${opts.port}`, 300)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new ConfigError(`nats-server did not answer on port ${opts.port} within ${timeoutMs} ms: see ${opts.logFile}`);
}

/** The monitoring URL nats-server `pid` wrote to its ports file beside `storeDir`, if any yet. */
export function monitoringUrl(storeDir: string, pid: number | undefined): string | undefined {
  const file = join(dirname(storeDir), `nats-server_${pid}.ports`);
  if (pid === undefined || !existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { monitoring?: string[] }).monitoring?.[0];
  } catch {
    return undefined; // being written: the caller asks again
  }
}

export function serverPaths(home: string): { storeDir: string; logFile: string } {
  return { storeDir: join(home, 'jetstream'), logFile: join(home, 'nats-server.log') };
}
