import type { ChildProcess } from 'node:child_process';
import { errorMessage } from '../errors.js';
import { startNatsServer, type ServerOptions } from './nats-server.js';
import { decideRestart } from './restart-policy.js';
import { terminate } from './terminate.js';

interface Node { opts: ServerOptions; child: ChildProcess | null; restarts: number[] }

/**
 * The nats-server processes a supervisor started (one, or every node of a loopback cluster):
 * each is restarted with backoff whenever it dies unasked, on the same port and store, so the
 * agents and the streams come back with it.
 */
export class ServerKeeper {
  #nodes: Node[] = [];
  #stopping = false;

  constructor(private readonly hooks: { event(line: string): void; changed(): void }) {}

  async start(nodes: ServerOptions[]): Promise<void> {
    this.#nodes = nodes.map((opts) => ({ opts, child: null, restarts: [] }));
    await Promise.all(this.#nodes.map((n) => this.launch(n)));
  }

  /** The running server processes (empty when the supervisor joined servers it did not start). */
  children(): ChildProcess[] {
    return this.#nodes.map((n) => n.child).filter((c): c is ChildProcess => c !== null);
  }

  started(): boolean {
    return this.#nodes.length > 0;
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.children().map((c) => terminate(c, graceMs)));
  }

  private async launch(node: Node): Promise<void> {
    const child = await startNatsServer(node.opts);
    node.child = child;
    child.once('exit', (code, signal) => {
      if (node.child === child) node.child = null;
      if (this.#stopping) return;
      const decision = decideRestart(code, node.restarts, Date.now());
      if (!decision.restart) { this.hooks.event(`nats-server :${node.opts.port} exited (${signal ?? code}); not restarted: ${decision.reason}`); return; }
      node.restarts.push(Date.now());
      this.hooks.event(`nats-server :${node.opts.port} exited (${signal ?? `code ${code}`}); restarting in ${decision.delayMs} ms`);
      setTimeout(() => this.relaunch(node), decision.delayMs);
    });
  }

  private relaunch(node: Node): void {
    if (this.#stopping) return;
    this.launch(node).then(
      () => { this.hooks.event(`nats-server :${node.opts.port} restarted (pid ${node.child?.pid})`); this.hooks.changed(); },
      (err) => {
        const decision = decideRestart(1, node.restarts, Date.now());
        this.hooks.event(`nats-server :${node.opts.port} restart failed: ${errorMessage(err)}${decision.restart ? `; retrying in ${decision.delayMs} ms` : `; given up: ${decision.reason}`}`);
        if (!decision.restart) return;
        node.restarts.push(Date.now());
        setTimeout(() => this.relaunch(node), decision.delayMs);
      },
    );
  }
}
