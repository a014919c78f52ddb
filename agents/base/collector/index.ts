import { Subjects, check, Sample, describeProblems, rawBatches, rawSamples, type Alert, type RawBatch } from '../../../runtime/contracts/index.js';
import { shardOf } from '../../../runtime/host/partition.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { errorMessage } from '../../../runtime/errors.js';
import { HostMetrics } from './sources.js';
import { SampleBuffer } from './buffer.js';
import { CollectorConfig } from './config.js';
import { PullInputs } from './live.js';
import { PushReceivers } from './receivers/index.js';

export { CollectorConfig };

/** Samples per published batch at most (well under the contract's MAX_BATCH_SAMPLES and the server's max_payload). */
const BATCH_SAMPLES = 5000;

/**
 * Collector: simulator ticks (sim mode), or on the wall clock (live mode) Prometheus scrapes,
 * file_sd targets, blackbox probes, host CPU/memory and the push receivers (OTLP, StatsD,
 * Alertmanager) -> vigil.raw.<shard> (one batch per data shard) and, for Alertmanager, vigil.alert.<service>.
 */
export default defineAgent({
  kind: 'collector',
  tier: 'base',
  description: 'collects samples from the simulator, or live from Prometheus endpoints, probes, OTLP, StatsD, Alertmanager and the host',
  consumes: [Subjects.simTick],
  produces: [Subjects.raw, Subjects.alert],
  clock: 'self',
  config: CollectorConfig,
  start({ bus, log, counters, advanceClock, agentId, connected, clock, shards }, initial) {
    let config = initial;
    let timer: NodeJS.Timeout | undefined;
    const host = new HostMetrics();
    const lastErrors: string[] = [];
    const buffer = new SampleBuffer(initial.bufferSamples);
    const noteError = (msg: string): void => {
      counters.scrapeErrors = (counters.scrapeErrors ?? 0) + 1;
      lastErrors.push(msg);
      if (lastErrors.length > 10) lastErrors.shift();
      log.warn({ err: msg }, 'collection problem');
    };
    const pull = new PullInputs(noteError);

    /**
     * Publishes one batch per data shard: a sample that breaks the contract goes to the DLQ alone, never the batch.
     * `checked`: the samples came in a message the bus has validated whole (a simulator tick).
     */
    const publish = (fresh: Sample[], checked = false): void => {
      const valid = checked ? fresh : fresh.filter((s) => {
        const r = check(Sample, s);
        const reason = !r.ok ? describeProblems('sample', r.problems) : Number.isFinite(s.value) ? null : `sample: ${s.metric} = ${s.value} is not finite`;
        if (reason) {
          counters.invalidSamples = (counters.invalidSamples ?? 0) + 1;
          bus.dlq(Subjects.raw.subject(String(shardOf(String(s.service), shards))), s, reason);
        }
        return reason === null;
      });
      if (!connected()) {
        buffer.push(valid);
        counters.buffered = buffer.size();
        counters.bufferDropped = buffer.dropped();
        return;
      }
      const samples = buffer.size() > 0 ? [...buffer.drain(), ...valid] : valid;
      counters.buffered = 0;
      for (const { shard, batch } of rawBatches(samples, BATCH_SAMPLES, (service) => shardOf(service, shards))) emitRaw(shard, batch);
    };
    const emitRaw = (shard: number, batch: RawBatch): void => {
      try {
        bus.emit(Subjects.raw, [String(shard)], batch);
        counters.samples = (counters.samples ?? 0) + batch.value.length;
      } catch (err) {
        noteError(`publish shard ${shard} (${batch.services.join(', ')}): ${errorMessage(err)}`);
      }
    };
    /**
     * A simulator batch, validated whole by the bus: forwarded as it came when there is one shard
     * and nothing waits in the buffer (encoded once per hop), else re-sharded sample by sample.
     */
    const publishBatch = (batch: RawBatch): void => {
      if (shards > 1 || !connected() || buffer.size() > 0) publish(rawSamples(batch), true);
      else emitRaw(0, batch);
    };
    const publishAlerts = (alerts: Alert[]): void => {
      for (const a of alerts) bus.emit(Subjects.alert, [a.service], a);
      counters.alertsReceived = (counters.alertsReceived ?? 0) + alerts.length;
    };
    const receivers = new PushReceivers({
      samples: publish, alerts: publishAlerts, now: () => Date.now(),
      problem: (where, msg) => noteError(`${where}: ${msg}`),
    }, agentId);

    const collectLive = async (): Promise<void> => {
      const ts = Date.now();
      const samples: Sample[] = config.host.enabled ? host.read(config.host.service, agentId, ts) : [];
      samples.push(...await pull.scrapeAll(config, ts));
      publish(samples);
      advanceClock(ts);
    };
    /** Live inputs follow the configuration; in sim mode none runs, so the two never mix. */
    let switching = Promise.resolve();
    const schedule = (): void => {
      if (timer) clearInterval(timer);
      timer = undefined;
      pull.stopProbes();
      switching = switching.then(() => receivers.stop()).then(async () => {
        if (config.mode !== 'live') return;
        await receivers.start(config.receivers);
        pull.startProbes(config.probes, publish);
      }).catch((err) => noteError(`receivers: ${errorMessage(err)}`));
      if (config.mode === 'live') {
        timer = setInterval(() => { collectLive().catch((err) => noteError(errorMessage(err))); }, config.intervalS * 1000);
      }
    };

    bus.on(Subjects.simTick, (tick) => {
      if (config.mode !== 'sim') { counters.ignoredTicks = (counters.ignoredTicks ?? 0) + 1; return; }
      // The simulator sends a tick again when the fleet makes no progress (a tick lost with a
      // cluster node): one already seen is not published twice.
      if (tick.ts <= clock.now()) { counters.duplicateTicks = (counters.duplicateTicks ?? 0) + 1; return; }
      for (const batch of tick.batches) publishBatch(batch);
      advanceClock(tick.ts);
    });
    schedule();

    const failing = () => pull.status().inputs.filter((s) => !s.ok && !s.url.startsWith('probe:') && !s.reason?.startsWith('probe'));
    return {
      inspect: () => ({
        mode: config.mode, intervalS: config.intervalS, targets: pull.targets(config).map((t) => t.url),
        inputs: pull.status().inputs, discovery: pull.status().discovery, receivers: receivers.urls(),
        buffered: buffer.size(), bufferDropped: buffer.dropped(), lastErrors,
      }),
      health: () => {
        if (config.mode !== 'live') return { status: 'healthy' };
        const bad = [...config.rejected, ...failing().map((s) => `${s.reason ?? s.url}`), ...pull.status().discovery];
        return bad.length === 0 ? { status: 'healthy' } : { status: 'degraded', detail: bad.slice(0, 3).join('; ') + (bad.length > 3 ? ` (+${bad.length - 3} more)` : '') };
      },
      directive: (d) => {
        if (d.type !== 'set-interval') return { status: 'rejected', detail: `collector does not handle ${d.type}` };
        const intervalS = Number(d.params.intervalS);
        if (!(intervalS >= 1 && intervalS <= 60)) return { status: 'rejected', detail: 'params.intervalS must be between 1 and 60' };
        return { status: 'applied', detail: `collecting every ${intervalS} s`, config: { ...config, intervalS } };
      },
      reconfigure: (next) => { config = next; schedule(); },
      stop: async () => { if (timer) clearInterval(timer); pull.stopProbes(); await switching; await receivers.stop(); },
    };
  },
});
