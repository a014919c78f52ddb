import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Subjects, check, describeProblems, rawBatches, type Sample } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { errorMessage } from '../../../runtime/errors.js';
import { CounterRates, HostMetrics, scrapeTarget, type ScrapeTarget } from './sources.js';
import { SampleBuffer } from './buffer.js';

/** Samples per published batch at most (well under the contract's MAX_BATCH_SAMPLES and the server's max_payload). */
const BATCH_SAMPLES = 5000;

const Target = Type.Object({
  service: Type.String({ pattern: '^[A-Za-z0-9_-]+$' }),
  instance: Type.String({ pattern: '^[A-Za-z0-9_-]+$', default: 'i-1' }),
  url: Type.String({ pattern: '^https?://' }),
  metrics: Type.Record(Type.String(), Type.Object({ metric: Type.String(), unit: Type.Optional(Type.String()) }), { default: {} }),
  rates: Type.Record(Type.String(), Type.String(), { default: {}, description: 'counter name -> vigil metric (per second)' }),
  latency: Type.Optional(Type.Object({ histogram: Type.String(), metric: Type.String() }, { additionalProperties: false, description: 'histogram whose mean becomes a latency metric (ms)' })),
}, { additionalProperties: false });

export const CollectorConfig = Type.Object({
  mode: Type.Union([Type.Literal('sim'), Type.Literal('live')], { default: 'sim', description: 'sim: samples from vigil.sim.tick; live: scrape on the wall clock' }),
  intervalS: Type.Number({ minimum: 1, maximum: 60, default: 5, description: 'live collection period' }),
  host: Type.Object({
    enabled: Type.Boolean({ default: true }),
    service: Type.String({ default: 'host' }),
  }, { additionalProperties: false, default: {} }),
  targets: Type.Array(Target, { default: [] }),
  targetsFile: Type.Optional(Type.String({ description: 'JSON file with more targets, re-read every collection' })),
  scrapeTimeoutMs: Type.Integer({ minimum: 100, default: 2000 }),
  bufferSamples: Type.Integer({ minimum: 0, default: 100_000, description: 'samples kept while NATS is unreachable (oldest dropped first)' }),
}, { additionalProperties: false });
type CollectorConfig = Static<typeof CollectorConfig>;

/** Collector: simulator ticks, Prometheus /metrics scrapes, host CPU/memory -> vigil.raw.<service>. */
export default defineAgent({
  kind: 'collector',
  tier: 'base',
  description: 'collects samples from the simulator, Prometheus endpoints and the host; batches per service',
  consumes: [Subjects.simTick],
  produces: [Subjects.raw],
  clock: 'self',
  config: CollectorConfig,
  start({ bus, log, counters, advanceClock, agentId, connected }, initial) {
    let config = initial;
    let timer: NodeJS.Timeout | undefined;
    const rates = new CounterRates();
    const host = new HostMetrics();
    const lastErrors: string[] = [];
    const buffer = new SampleBuffer(initial.bufferSamples);

    const publish = (fresh: Sample[]): void => {
      if (!connected()) {
        buffer.push(fresh);
        counters.buffered = buffer.size();
        counters.bufferDropped = buffer.dropped();
        return;
      }
      const samples = buffer.size() > 0 ? [...buffer.drain(), ...fresh] : fresh;
      counters.buffered = 0;
      for (const batch of rawBatches(samples, BATCH_SAMPLES)) bus.emit(Subjects.raw, [batch.service], batch);
      counters.samples = (counters.samples ?? 0) + samples.length;
    };
    const noteError = (msg: string): void => {
      counters.scrapeErrors = (counters.scrapeErrors ?? 0) + 1;
      lastErrors.push(msg);
      if (lastErrors.length > 10) lastErrors.shift();
      log.warn({ err: msg }, 'collection error');
    };
    const collectLive = async (): Promise<void> => {
      const ts = Date.now();
      const samples: Sample[] = config.host.enabled ? host.read(config.host.service, agentId, ts) : [];
      for (const target of allTargets(config, noteError)) {
        try {
          const r = await scrapeTarget(target, ts, rates, config.scrapeTimeoutMs);
          samples.push(...r.samples);
          r.errors.forEach(noteError);
        } catch (err) {
          noteError(errorMessage(err));
        }
      }
      publish(samples);
      advanceClock(ts);
    };
    const schedule = (): void => {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (config.mode === 'live') {
        timer = setInterval(() => { collectLive().catch((err) => noteError(errorMessage(err))); }, config.intervalS * 1000);
      }
    };

    bus.on(Subjects.simTick, (tick) => {
      if (config.mode !== 'sim') { counters.ignoredTicks = (counters.ignoredTicks ?? 0) + 1; return; }
      publish(tick.samples);
      advanceClock(tick.ts);
    });
    schedule();

    return {
      inspect: () => ({
        mode: config.mode, intervalS: config.intervalS, targets: allTargets(config, () => {}).map((t) => t.url),
        buffered: buffer.size(), bufferDropped: buffer.dropped(), lastErrors,
      }),
      directive: (d) => {
        if (d.type !== 'set-interval') return { status: 'rejected', detail: `collector does not handle ${d.type}` };
        const intervalS = Number(d.params.intervalS);
        if (!(intervalS >= 1 && intervalS <= 60)) return { status: 'rejected', detail: 'params.intervalS must be between 1 and 60' };
        return { status: 'applied', detail: `collecting every ${intervalS} s`, config: { ...config, intervalS } };
      },
      reconfigure: (next) => { config = next; schedule(); },
      stop: () => { if (timer) clearInterval(timer); },
    };
  },
});

function allTargets(config: CollectorConfig, onError: (msg: string) => void): ScrapeTarget[] {
  const targets = config.targets as ScrapeTarget[];
  if (!config.targetsFile) return targets;
  try {
    const result = check(Type.Array(Target), JSON.parse(readFileSync(config.targetsFile, 'utf8')));
    if (result.ok) return [...targets, ...(result.value as ScrapeTarget[])];
    onError(describeProblems(`targets file ${config.targetsFile}`, result.problems));
    return targets;
  } catch (err) {
    onError(`targets file ${config.targetsFile}: ${errorMessage(err)}`);
    return targets;
  }
}
