import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI } from './fleet.js';

/** A long-running CLI process (`vigil actuator run`, `vigil notify run`...) and what it printed. */
export interface CliDaemon { child: ChildProcess; stderr(): string; stop(): Promise<number | null> }

/**
 * Starts `vigil <args>` against a test NATS and resolves once it printed a line matching
 * `ready` (or rejects with its stderr when it exits or `timeoutMs` passes first).
 */
export async function startCliDaemon(nats: { home: string; url: string }, args: string[], ready: RegExp, timeoutMs = 30_000): Promise<CliDaemon> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, VIGIL_HOME: nats.home, VIGIL_NATS_URL: nats.url, VIGIL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil ${args.join(' ')} not ready after ${timeoutMs} ms: ${err}`)), timeoutMs);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => { if (ready.test(l)) { clearTimeout(timer); resolve(); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`vigil ${args.join(' ')} exited with ${code}: ${err}`)); });
  });
  return {
    child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
