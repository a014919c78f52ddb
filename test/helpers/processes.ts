import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPO_ROOT } from './nats-server.js';
import { waitFor } from './wait.js';

import { freePort } from '../../runtime/free-port.js';

export { freePort };

/** A real program on loopback, stopped by `stop()`; its stderr kept for failure messages. */
export interface RunningProgram { child: ChildProcess; url: string; output(): string; stop(): Promise<void> }

/** Starts `bin args` and waits until `readyUrl` answers 200 (or the program dies). */
export async function startProgram(bin: string, args: string[], url: string, readyPath = '/', timeoutMs = 30_000): Promise<RunningProgram> {
  if (!existsSync(bin)) throw new Error(`${bin} is not installed (scripts/install.sh installs it)`);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out = (out + d).slice(-8000); });
  child.stderr!.on('data', (d) => { out = (out + d).slice(-8000); });
  await waitFor(`${bin} at ${url}${readyPath}`, async () => {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}: ${out}`);
    const r = await fetch(`${url}${readyPath}`).catch(() => undefined);
    return r?.ok;
  }, timeoutMs, 200);
  return { child, url, output: () => out, stop: () => stopChild(child) };
}

/**
 * `startProgram` on a port picked just before: another process may take a probed port before the
 * program binds it (parallel suites, a server on port 0), so a bind refused is retried on a new one.
 */
export async function startOnFreePort(bin: string, argsFor: (port: number) => string[], readyPath = '/'): Promise<RunningProgram & { port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { ...await startProgram(bin, argsFor(port), `http://127.0.0.1:${port}`, readyPath), port };
    } catch (err) {
      if (attempt === 3 || !/address already in use/.test(String(err))) throw err;
    }
  }
}

/** The billable API of seed 000 as its own process on `port` (0: any free one). */
export async function startBillableApi(port = 0, extra: string[] = []): Promise<RunningProgram> {
  const entry = join(REPO_ROOT, 'dist', 'sim', 'live', 'billable-api.js');
  const child = spawn(process.execPath, [entry, '--port', String(port), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => { rl.close(); resolve(l.trim()); });
    child.once('exit', (code) => reject(new Error(`billable API exited with ${code}`)));
  });
  return { child, url, output: () => '', stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(killer); resolve(); });
    child.kill('SIGTERM');
  });
}

/** One instant query against Prometheus's HTTP API; the single series' value, or undefined. */
export async function promQuery(promUrl: string, query: string, time?: number): Promise<number | undefined> {
  const params = new URLSearchParams({ query, ...(time ? { time: String(time / 1000) } : {}) });
  const r = await fetch(`${promUrl}/api/v1/query?${params}`);
  const body = await r.json() as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`prometheus: ${query}: ${body.error}`);
  const v = body.data?.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}
