/**
 * Tracks the watermarks of an agent's upstream agents and tells when the agent's own
 * event time may move: to the lowest watermark among the upstream agents, once every
 * upstream kind has been heard from (DESIGN §3).
 */
export class WatermarkTracker {
  readonly #latest = new Map<string, { kind: string; ts: number }>();
  #highest = 0;

  /** `replicas`: how many agents of a kind must have spoken (a partitioned kind's replicas); 1 when absent. */
  constructor(private readonly upstreamKinds: readonly string[], private readonly replicas: Readonly<Record<string, number>> = {}) {}

  /** Records a watermark; returns the new low watermark, or null when not every kind has spoken. */
  observe(kind: string, agentId: string, ts: number): number | null {
    if (!this.upstreamKinds.includes(kind)) return null;
    const previous = this.#latest.get(agentId);
    if (!previous || ts > previous.ts) this.#latest.set(agentId, { kind, ts });
    this.#highest = Math.max(this.#highest, ts);
    return this.low();
  }

  low(): number | null {
    const seen = new Map<string, number>();
    for (const w of this.#latest.values()) seen.set(w.kind, (seen.get(w.kind) ?? 0) + 1);
    if (!this.upstreamKinds.every((k) => (seen.get(k) ?? 0) >= (this.replicas[k] ?? 1))) return null;
    return Math.min(...[...this.#latest.values()].map((w) => w.ts));
  }

  /** Highest event time seen on inputs: the agent's lag is this minus its clock. */
  highest(): number { return this.#highest; }

  /** Forgets an agent that left (so a dead upstream instance does not hold the clock back). */
  forget(agentId: string): void { this.#latest.delete(agentId); }

  reset(): void { this.#latest.clear(); this.#highest = 0; }
}
