import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { terminate } from '../runtime/supervisor/supervisor.js';
import type { DeployConfig } from './schema.js';

interface Companion { name: string; args: string[]; child: ChildProcess | null; failures: number; timer?: NodeJS.Timeout }

/**
 * The processes a deployment file asks for beside the agents: `vigil actuator run` when it
 * declares actuators, `vigil notify run` when it declares notification channels. Each runs
 * from the same file, logs to <home>/logs/<name>.log, is restarted with backoff when it exits,
 * and is restarted after a reload so that it reads the new file.
 */
export class Companions {
  readonly #running: Companion[] = [];
  #stopping = false;

  constructor(private readonly main: string, private readonly env: { home: string; natsUrl: string }, private readonly report: (line: string) => void) {}

  /** (Re)starts the companions the configuration needs, from `file`. */
  async apply(config: DeployConfig, file: string): Promise<void> {
    await this.stop();
    this.#stopping = false;
    const wanted: [string, string[]][] = [];
    if (config.actuators.length > 0) wanted.push(['actuator', ['actuator', 'run', '--config', file]]);
    if (config.notifications && config.notifications.channels.length > 0) wanted.push(['notifier', ['notify', 'run', '--config', file]]);
    for (const [name, args] of wanted) {
      const c: Companion = { name, args, child: null, failures: 0 };
      this.#running.push(c);
      this.spawn(c);
    }
  }

  private spawn(c: Companion): void {
    mkdirSync(join(this.env.home, 'logs'), { recursive: true });
    const log = openSync(join(this.env.home, 'logs', `${c.name}.log`), 'a');
    const child = spawn(process.execPath, [this.main, '--home', this.env.home, '--nats-url', this.env.natsUrl, ...c.args], { stdio: ['ignore', log, log] });
    c.child = child;
    this.report(`started the ${c.name} (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      c.child = null;
      if (this.#stopping) return;
      c.failures++;
      const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(c.failures - 1, 5));
      this.report(`the ${c.name} exited (${signal ?? `code ${code}`}); restarting in ${delayMs} ms (log ${join(this.env.home, 'logs', `${c.name}.log`)})`);
      c.timer = setTimeout(() => { if (!this.#stopping) this.spawn(c); }, delayMs);
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const all = this.#running.splice(0);
    for (const c of all) clearTimeout(c.timer);
    await Promise.all(all.map((c) => (c.child ? terminate(c.child, 5000) : Promise.resolve())));
  }
}
