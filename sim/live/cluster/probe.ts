/**
 * What callers of the demo service see, read from the balancer's /metrics once a second: the
 * error rate over the balancer's last 10 s, kept with its wall time to compute the demo's figures.
 */
export class ErrorRateProbe {
  readonly #points: { at: number; errorRate: number }[] = [];
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;

  constructor(private readonly url: string) {}

  start(): void {
    this.#timer = setInterval(() => { void this.#read(); }, 1000);
  }

  stop(): void { if (this.#timer) clearInterval(this.#timer); }

  /** mean error rate (percent) of every point so far */
  mean(): number { return avg(this.#points.map((p) => p.errorRate)); }
  meanSince(t: number): number { return avg(this.#points.filter((p) => p.at >= t).map((p) => p.errorRate)); }
  peakSince(t: number): number { return Math.max(0, ...this.#points.filter((p) => p.at >= t).map((p) => p.errorRate)); }

  /** The first time after `after` from which the error rate stayed under `slo` for `forMs` (null: not yet). */
  recoveredAt(after: number, forMs: number, slo: number): number | null {
    let start: number | null = null;
    for (const p of this.#points.filter((x) => x.at >= after)) {
      if (p.errorRate >= slo) { start = null; continue; }
      start ??= p.at;
      if (p.at - start >= forMs) return start;
    }
    return null;
  }

  healthySince(after: number, forMs: number, slo: number): boolean { return this.recoveredAt(after, forMs, slo) !== null; }

  async #read(): Promise<void> {
    try {
      const text = await (await fetch(this.url, { signal: AbortSignal.timeout(2000) })).text();
      const line = text.split('\n').find((l) => l.startsWith('lb_error_rate_percent '));
      if (line) this.#points.push({ at: Date.now(), errorRate: Number(line.split(' ')[1]) });
    } catch (err) {
      this.#failures++; // a missed reading leaves a gap; the figures use the readings there are
      if (this.#failures === 1) process.stderr.write(`demo: cannot read ${this.url}: ${(err as Error).message}\n`);
    }
  }
}

const avg = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
