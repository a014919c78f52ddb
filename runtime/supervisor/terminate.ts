import type { ChildProcess } from 'node:child_process';
import { alive } from './fleet-file.js';

/** Sends SIGTERM and resolves when the process exits (SIGKILL after `graceMs`). */
export function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !alive(child.pid)) return Promise.resolve();
  return new Promise((resolveExit) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(killer); resolveExit(); });
    child.kill('SIGTERM');
  });
}
