import { Type } from '@sinclair/typebox';
import { Subjects } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { shardOf } from '../../../runtime/host/partition.js';
import { cleanBatch, metaFor } from './brain.js';
import { AdaptiveSampler, DEFAULT_SAMPLING } from './sampler.js';

const d = DEFAULT_SAMPLING;
/** Adaptive sampling (sampler.ts): off by default, so every sample reaches the detector. */
export const SamplingConfig = Type.Object({
  enabled: Type.Boolean({ default: d.enabled, description: 'thin stable series, keep every sample near an anomaly or a change' }),
  warmup: Type.Integer({ minimum: 0, default: d.warmup, description: 'samples always kept at the start of a series' }),
  surpriseK: Type.Number({ exclusiveMinimum: 0, default: d.surpriseK, description: 'mean absolute deviations from the mean that make a sample a surprise' }),
  hold: Type.Integer({ minimum: 0, default: d.hold, description: 'samples kept after a surprise' }),
  driftK: Type.Number({ exclusiveMinimum: 0, default: d.driftK, description: 'deviations the mean may move before a sample is kept as a change' }),
  maxGapS: Type.Number({ exclusiveMinimum: 0, default: d.maxGapS, description: 'a stable series keeps its first sample of each aligned window of this many seconds' }),
  minRelDeviation: Type.Number({ minimum: 0, default: d.minRelDeviation, description: 'floor of the deviation, relative to the level' }),
}, { additionalProperties: false, default: {} });

/** Filter: raw samples -> canonical units, invalid samples to the DLQ, catalogue metadata, adaptive sampling. */
export default defineAgent({
  kind: 'filter',
  tier: 'base',
  description: 'normalises units, rejects invalid samples to the DLQ, enriches from the service catalogue',
  consumes: [Subjects.raw],
  produces: [Subjects.clean],
  clock: 'upstream',
  config: Type.Object({ sampling: SamplingConfig }, { additionalProperties: false }),
  start({ bus, catalog, counters, shards }, config) {
    let sampler = new AdaptiveSampler(config.sampling);
    bus.on(Subjects.raw, (batch, { shard }) => {
      // A service on another shard's subject would reach a replica that does not own its state.
      const stray = batch.services.filter((service) => String(shardOf(service, shards)) !== shard);
      if (stray.length > 0) {
        bus.dlq(Subjects.raw.subject(shard), { services: stray }, `service(s) ${stray.slice(0, 5).join(', ')} belong to another shard than '${shard}' (${shards} shard(s))`);
        return;
      }
      const { clean, rejected } = cleanBatch(batch, (service) => metaFor(catalog.get(service)), sampler.enabled ? sampler : undefined);
      for (const r of rejected) bus.dlq(Subjects.raw.subject(shard), r.sample, r.reason);
      counters.rejected = (counters.rejected ?? 0) + rejected.length;
      if (sampler.enabled) counters.sampledOut = sampler.counts.dropped;
      if (!clean) return;
      counters.samples = (counters.samples ?? 0) + clean.value.length;
      bus.emit(Subjects.clean, [shard], clean);
    });
    return {
      inspect: () => ({ samples: counters.samples ?? 0, rejected: counters.rejected ?? 0, catalogue: catalog.all().length, sampling: sampler.state() }),
      reconfigure: (next) => { config = next; sampler.reconfigure(next.sampling); },
      // A new run starts with no series history.
      reset: () => { sampler = new AdaptiveSampler(config.sampling); },
    };
  },
});
