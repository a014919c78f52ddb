import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNats, type NatsConnection } from '../../runtime/nats/connect.js';
import { setupStores } from '../../runtime/nats/setup.js';
import { generateCredentials, saveCredentials, serverEnv, type Credentials, type Role } from '../../runtime/supervisor/credentials.js';
import { findNatsServer } from '../../runtime/supervisor/nats-server.js';
import { waitFor } from './wait.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** A real nats-server on a random port, running the project's nats.conf with fresh passwords. */
export interface TestNats {
  url: string;
  creds: Credentials;
  /** A state folder with credentials.json, usable as VIGIL_HOME by the CLI. */
  home: string;
  connect(role: Role, name?: string): Promise<NatsConnection>;
  stop(): Promise<void>;
}

/** Starts nats-server (-p -1 and --ports_file_dir: the port comes from the server) and creates the streams and buckets. */
export async function startTestNats(): Promise<TestNats> {
  const home = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  const creds = generateCredentials();
  saveCredentials(home, creds);
  const child: ChildProcess = spawn(findNatsServer(), [
    '-c', join(REPO_ROOT, 'nats.conf'), '-a', '127.0.0.1', '-p', '-1', '--ports_file_dir', home, '-js', '-sd', join(home, 'js'),
  ], { env: { ...process.env, ...serverEnv(creds) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let serverErr = '';
  child.stderr!.on('data', (d) => { serverErr += d; });
  const url = await waitFor('nats-server ports file', () => {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${serverErr}`);
    const file = readdirSync(home).find((f) => f.endsWith('.ports'));
    if (!file) return undefined;
    return (JSON.parse(readFileSync(join(home, file), 'utf8')) as { nats: string[] }).nats[0];
  });
  const connect = (role: Role, name = `test-${role}`) => connectNats({ url, user: role, password: creds[role] }, name);
  try {
    const admin = await connect('operator');
    await setupStores(admin);
    await admin.close();
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url, creds, home, connect,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
