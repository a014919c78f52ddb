/**
 * The live demo's instance controller: real billable-API processes of seed 000 on loopback,
 * started, stopped, restarted and redeployed by a short-lived command (the exec actuator's
 * target). Its state lives in one folder: state.json (instances with their pid, port and
 * version; the versions known; the stable one) and backends.json for the load balancer.
 * Every operation replaces instances new-before-old, so the balancer always has one to call.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { freePort } from '../../../runtime/free-port.js';
import { join } from 'node:path';
import { repoRoot } from '../../scenario-loader.js';
import { writeBackends, writeJsonAtomic } from './backends.js';

/** A version: the billable API's extra arguments (a bad release: --error-rate 0.3). */
export interface VersionSpec { args: string[] }

export interface Instance { pid: number; port: number; url: string; version: string }

export interface ClusterState {
  versions: Record<string, VersionSpec>;
  /** the version `deploy stable` goes back to */
  stable: string;
  version: string;
  /** increases at every deploy (the deploy_version metric) */
  versionNumber: number;
  instances: Instance[];
  maxInstances: number;
}

/** The built entry (the compiled tree, also when this module runs from source in tests). */
const API_ENTRY = join(repoRoot(), 'dist', 'sim', 'live', 'billable-api.js');

export class Cluster {
  constructor(readonly dir: string) {}

  get stateFile(): string { return join(this.dir, 'state.json'); }
  get backendsFile(): string { return join(this.dir, 'backends.json'); }

  read(): ClusterState {
    if (!existsSync(this.stateFile)) throw new Error(`${this.stateFile}: no cluster here (run 'init' first)`);
    return JSON.parse(readFileSync(this.stateFile, 'utf8')) as ClusterState;
  }

  /** The figures a command prints (the exec actuator's before/after). */
  summary(s = this.read()): { instances: number; version: string; versionNumber: number } {
    return { instances: s.instances.length, version: s.version, versionNumber: s.versionNumber };
  }

  init(versions: Record<string, VersionSpec>, version: string, maxInstances: number): ClusterState {
    if (!versions[version]) throw new Error(`init: unknown version '${version}' (known: ${Object.keys(versions).join(', ')})`);
    mkdirSync(this.dir, { recursive: true });
    const s: ClusterState = { versions, stable: version, version, versionNumber: 1, instances: [], maxInstances };
    this.#save(s);
    return s;
  }

  /** Starts or stops instances (newest stopped first) until `n` run. */
  async scale(n: number): Promise<ClusterState> {
    const s = this.read();
    if (!Number.isInteger(n) || n < 1 || n > s.maxInstances) throw new Error(`scale: instances must be an integer 1-${s.maxInstances}, got ${n}`);
    while (s.instances.length < n) { s.instances.push(await this.#start(s.version, s)); this.#save(s); }
    const extra = s.instances.splice(n);
    this.#save(s);
    if (extra.length > 0) await drain();
    for (const i of extra) stop(i);
    return s;
  }

  /** Replaces every instance by a fresh process of the same version, one at a time. */
  async restart(): Promise<ClusterState> {
    const s = this.read();
    return this.#replaceAll(s, s.version);
  }

  /** Rolls every instance to `version` ('stable': the stable one); the version number moves on. */
  async deploy(version: string): Promise<ClusterState> {
    const s = this.read();
    const target = version === 'stable' ? s.stable : version;
    if (!s.versions[target]) throw new Error(`deploy: unknown version '${version}' (known: ${Object.keys(s.versions).join(', ')}, stable)`);
    if (target === s.version) return s;
    s.version = target;
    s.versionNumber++;
    return this.#replaceAll(s, target);
  }

  /** Stops every instance (end of the demo). */
  down(): ClusterState {
    const s = this.read();
    for (const i of s.instances.splice(0)) stop(i);
    this.#save(s);
    return s;
  }

  async #replaceAll(s: ClusterState, version: string): Promise<ClusterState> {
    for (let k = 0; k < s.instances.length; k++) {
      const old = s.instances[k];
      s.instances[k] = await this.#start(version, s);
      this.#save(s);
      await drain();
      stop(old);
    }
    this.#save(s);
    return s;
  }

  async #start(version: string, s: ClusterState): Promise<Instance> {
    const port = await freePort();
    const log = openSync(join(this.dir, `instance-${port}.log`), 'a');
    const child = spawn(process.execPath, [API_ENTRY, '--port', String(port), '--seed', String(port), ...s.versions[version].args], {
      detached: true, stdio: ['ignore', log, log],
    });
    child.unref();
    closeSync(log);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, child.pid!);
    return { pid: child.pid!, port, url, version };
  }

  #save(s: ClusterState): void {
    writeJsonAtomic(this.stateFile, s);
    writeBackends(this.backendsFile, { version: s.version, versionNumber: s.versionNumber, urls: s.instances.map((i) => i.url) });
  }
}

/** Long enough for the balancer (re-reading every 200 ms) to stop sending to a leaving instance. */
const drain = (): Promise<void> => new Promise((r) => setTimeout(r, 500));

function stop(i: Instance): void {
  try {
    process.kill(i.pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // already gone is what we wanted
  }
}


async function waitHealthy(url: string, pid: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message; // not listening yet: try again until the deadline
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop({ pid, port: 0, url, version: '' });
  throw new Error(`instance ${url} not healthy after ${timeoutMs} ms: ${last}`);
}
