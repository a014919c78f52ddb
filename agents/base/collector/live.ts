import type { Sample } from '../../../runtime/contracts/index.js';
import { errorMessage } from '../../../runtime/errors.js';
import type { CollectorConfig, Probe } from './config.js';
import { FileDiscovery } from './discovery.js';
import { probeSamples, runProbe, SlaBook } from './probes.js';
import { CounterMemory } from './rules.js';
import { instanceOf, scrapeTarget, type ResolvedTarget } from './scrape.js';

/** The state of one input as `vigil ps` and `vigil inspect` show it. */
export interface InputStatus { url: string; service: string; ok: boolean; reason?: string; lastOkTs?: number }

/**
 * The pull side of a live collector: scrapes every target (static and file_sd) once per
 * collection, all at once so that a slow or dead target only costs its own timeout, and runs
 * each blackbox probe on its own schedule. Keeps the status of every input.
 */
export class PullInputs {
  readonly #memory = new CounterMemory();
  readonly #discovery = new FileDiscovery();
  readonly #status = new Map<string, InputStatus>();
  readonly #sla = new Map<string, SlaBook>();
  #probeTimers: NodeJS.Timeout[] = [];
  #discoveryProblems: string[] = [];

  constructor(private readonly onProblem: (msg: string) => void) {}

  /** Every target: the configured ones and the discovered ones. */
  targets(config: CollectorConfig): ResolvedTarget[] {
    const problems: string[] = [];
    const discovered = this.#discovery.targets(config.fileSd, (msg) => problems.push(msg));
    this.#discoveryProblems = problems;
    return [...config.targets.map((t) => ({ ...t, instance: instanceOf(t) })), ...discovered];
  }

  /** One collection: scrape all targets concurrently; failures are recorded with URL and reason. */
  async scrapeAll(config: CollectorConfig, ts: number): Promise<Sample[]> {
    const targets = this.targets(config);
    this.#discoveryProblems.forEach(this.onProblem);
    const live = new Set(targets.map((t) => t.url));
    for (const url of this.#status.keys()) if (!live.has(url) && !url.startsWith('probe:')) this.#status.delete(url);
    const results = await Promise.all(targets.map(async (t) => {
      try {
        const r = await scrapeTarget(t, ts, this.#memory, config.scrapeTimeoutMs);
        r.problems.forEach(this.onProblem);
        this.#status.set(t.url, { url: t.url, service: t.service, ok: true, lastOkTs: ts });
        return r.samples;
      } catch (err) {
        const reason = errorMessage(err);
        this.onProblem(reason);
        this.#status.set(t.url, { url: t.url, service: t.service, ok: false, reason, lastOkTs: this.#status.get(t.url)?.lastOkTs });
        return [];
      }
    }));
    return results.flat();
  }

  /** (Re)starts the probe schedules; each run's samples go to `publish`. */
  startProbes(probes: readonly Probe[], publish: (samples: Sample[]) => void): void {
    this.stopProbes();
    for (const [url] of this.#status) if (url.startsWith('probe:')) this.#status.delete(url);
    for (const probe of probes) {
      const key = `probe:${probe.kind}:${probe.url ?? probe.address}`;
      const sla = this.#sla.get(key) ?? new SlaBook();
      this.#sla.set(key, sla);
      const once = async (): Promise<void> => {
        const outcome = await runProbe(probe);
        const ts = Date.now();
        this.#status.set(key, { url: probe.url ?? probe.address ?? '', service: probe.service, ok: outcome.ok, reason: outcome.reason, lastOkTs: outcome.ok ? ts : this.#status.get(key)?.lastOkTs });
        if (!outcome.ok) this.onProblem(`probe ${outcome.reason}`);
        publish(probeSamples(probe, outcome, sla, ts));
      };
      const run = (): void => { once().catch((err) => this.onProblem(`probe ${probe.service}: ${errorMessage(err)}`)); };
      run();
      this.#probeTimers.push(setInterval(run, probe.intervalS * 1000));
    }
  }

  stopProbes(): void {
    for (const t of this.#probeTimers) clearInterval(t);
    this.#probeTimers = [];
  }

  /** Every input's status, and the discovery files' problems. */
  status(): { inputs: InputStatus[]; discovery: string[] } {
    return { inputs: [...this.#status.values()], discovery: [...this.#discoveryProblems] };
  }
}
