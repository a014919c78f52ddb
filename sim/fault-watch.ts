import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects, check, type Heartbeat } from '../runtime/contracts/index.js';
import { readRegistry } from '../runtime/nats/registry.js';

const decoder = new TextDecoder();

/** Why a run attempt cannot be trusted any more: the run is played again from its start. */
export class RunInterrupted extends Error {}

/**
 * Watches what a simulated run depends on (the broker connection and every agent process):
 * the decisions of a run are only as good as an attempt during which no agent process was
 * replaced and the connection never dropped. A fault (an agent's heartbeat from a new pid,
 * the simulator's connection lost) marks the attempt interrupted; `recovered` waits until the
 * connection is back and every agent known before the fault heartbeats again.
 */
export class FaultWatch {
  /** The pid of each agent in this attempt, from its heartbeats. */
  readonly #pids = new Map<string, number>();
  /** Wall time of each agent's last heartbeat. */
  readonly #seen = new Map<string, number>();
  #fault: string | null = null;
  #connected = true;
  readonly #sub: Subscription;
  #stopped = false;
  /** Heartbeats that were not JSON or not the contract (skipped). */
  ignored = 0;

  /** `interrupts` false: faults are still seen, but never interrupt an attempt (the fleet's own failover decides the run). */
  constructor(private readonly nc: NatsConnection, private readonly interrupts = true) {
    this.#sub = nc.subscribe(Subjects.heartbeat.filter, { callback: (err, msg) => { if (!err) this.heartbeat(msg.subject, msg.data); } });
    void (async () => {
      for await (const s of nc.status()) {
        if (this.#stopped) return;
        if (s.type === 'disconnect') { this.#connected = false; this.mark('the connection to nats-server was lost'); }
        if (s.type === 'reconnect') this.#connected = true;
      }
    })();
  }

  /** The fault that interrupted this attempt, if any. */
  fault(): string | null { return this.interrupts ? this.#fault : null; }

  /** Throws RunInterrupted when the attempt saw a fault. */
  check(): void {
    const fault = this.fault();
    if (fault !== null) throw new RunInterrupted(fault);
  }

  /**
   * A new attempt: the agents running now (the registry's, not `down`) are its baseline, no
   * fault yet. An agent down before the attempt is no part of it.
   */
  async beginAttempt(): Promise<void> {
    const rows = await readRegistry(this.nc);
    for (const row of rows) {
      if (row.status === 'down') { this.#pids.delete(row.agentId); this.#seen.delete(row.agentId); continue; }
      if (!this.#pids.has(row.agentId)) { this.#pids.set(row.agentId, row.pid); this.#seen.set(row.agentId, row.lastHeartbeat); }
    }
    this.#fault = null;
  }

  /**
   * Resolves once the connection is up and every agent known so far has heartbeated since
   * `since` (wall ms); the pids then heard are the next attempt's. Throws after `timeoutMs`
   * naming the agents still silent.
   */
  async recovered(since: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const silent = [...this.#seen].filter(([, at]) => at <= since).map(([id]) => id);
      if (this.#connected && silent.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`the fleet did not recover within ${timeoutMs} ms: ${this.#connected ? `no heartbeat from ${silent.join(', ')}` : 'nats-server unreachable'} ('vigil ps')`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Resolves when every agent known has heartbeated after `since` (the run's last tick), or marks a fault. */
  async allBeatSince(since: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.check();
      const silent = [...this.#seen].filter(([, at]) => at <= since).map(([id]) => id);
      if (silent.length === 0) return;
      if (Date.now() > deadline) { this.mark(`no heartbeat from ${silent.join(', ')} at the end of the run`); this.check(); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#sub.unsubscribe();
  }

  /** A heartbeat that is not the contract, or names another agent than its subject, is ignored (the bus DLQs it for agents). */
  private heartbeat(subject: string, data: Uint8Array): void {
    let body: unknown;
    try { body = JSON.parse(decoder.decode(data)); } catch { this.ignored++; return; }
    const result = check(Subjects.heartbeat.schema, body);
    if (!result.ok) { this.ignored++; return; }
    const hb = result.value as Heartbeat;
    const tokens = Subjects.heartbeat.parse(subject);
    if (!tokens || tokens.agentId !== hb.agentId || tokens.kind !== hb.kind || hb.status === 'down') return;
    const before = this.#pids.get(hb.agentId);
    if (before !== undefined && before !== hb.pid) this.mark(`${hb.agentId} was restarted (pid ${before} -> ${hb.pid})`);
    this.#pids.set(hb.agentId, hb.pid);
    this.#seen.set(hb.agentId, Date.now());
  }

  private mark(reason: string): void {
    this.#fault ??= reason;
  }
}
