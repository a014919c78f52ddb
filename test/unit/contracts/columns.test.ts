import { describe, expect, it } from 'vitest';
import { cleanBatch } from '../../../agents/base/filter/brain.js';
import {
  BatchBuilder, CleanBatch, MAX_BATCH_SAMPLES, RawBatch, SimTick, check, cleanSamples, rawBatches, rawSampleAt, rawSamples, simTick, type Sample,
} from '../../../runtime/contracts/index.js';
import { ownsShard, partitionOf, shardCount, shardOf } from '../../../runtime/host/partition.js';

const T = 1_767_571_200_000;
const meta = { tier: 'app', owner: 'team', criticality: 'high' as const, dependsOn: [] };
const samples: Sample[] = [
  { service: 'api', instance: 'i-1', metric: 'cpu', value: 0.4, unit: 'ratio', ts: T },
  { service: 'db', instance: 'i-1', metric: 'cpu', value: 40, ts: T },
  { service: 'api', instance: 'i-2', metric: 'cpu', value: 0.5, unit: 'ratio', ts: T },
  { service: 'api', instance: 'i-2', metric: 'latency_ms', value: 0.12, unit: 's', ts: T + 1 },
  { service: 'api', instance: 'i-1', metric: 'cpu', value: 41, unit: 'percent', ts: T + 1 },
];

/** A batch as a receiver sees it: JSON text parsed again. */
const wire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe('columnar data batches', () => {
  it('rawBatches: one batch per shard with shared tables; every sample reads back as it went in, in order', () => {
    const batches = rawBatches(samples, 100);
    expect(batches.map((b) => b.shard)).toEqual([0]);
    const [{ batch }] = batches;
    expect(batch.services).toEqual(['api', 'db']);
    expect(batch.service).toEqual([0, 1, 0, 0, 0]);
    expect(batch.instances).toEqual(['i-1', 'i-2']);
    // One metric with two units gets two table entries.
    expect(batch.metrics).toEqual(['cpu', 'cpu', 'latency_ms', 'cpu']);
    expect(batch.units).toEqual(['ratio', '', 's', 'percent']);
    expect(check(RawBatch, wire(batch)).ok).toBe(true);
    expect(batch.value.map((_, i) => rawSampleAt(batch, i))).toEqual(samples);
  });

  it('rawBatches: a service goes to its shard; splits at the size limit', () => {
    const byShard = rawBatches(samples, 100, (service) => (service === 'db' ? 1 : 0));
    expect(byShard.map((b) => [b.shard, b.batch.services])).toEqual([[0, ['api']], [1, ['db']]]);
    const many = Array.from({ length: 7 }, (_, i): Sample => ({ service: 'api', instance: 'i-1', metric: 'rps', value: i, ts: T + i }));
    expect(rawBatches(many, 3).map((b) => b.batch.value)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('shards: as many as the least common multiple of the replica counts; a replica owns the shards of its services', () => {
    expect(shardCount({})).toBe(1);
    expect(shardCount({ detector: 2, aggregator: 3 })).toBe(6);
    expect(shardCount({ detector: 2, aggregator: 2 })).toBe(2);
    for (const service of ['api', 'db', 'checkout', 'payments', 'search', 'cart']) {
      for (const n of [2, 3]) {
        const owner = partitionOf(service, n);
        // The replica that owns the service's other subjects (alerts, windows) owns its data shard too.
        expect(ownsShard(String(shardOf(service, 6)), { index: owner, count: n })).toBe(true);
        expect(ownsShard(String(shardOf(service, 6)), { index: (owner + 1) % n, count: n })).toBe(false);
      }
    }
    // A token that is not a shard number goes to replica 0, which refuses it: it never vanishes.
    expect(ownsShard('api', { index: 0, count: 2 })).toBe(true);
    expect(ownsShard('api', { index: 1, count: 2 })).toBe(false);
  });

  it('validation: unequal columns and indexes beyond the tables are refused with where and what', () => {
    const [{ batch }] = rawBatches(samples, 100);
    const short = check(RawBatch, { ...wire(batch) as RawBatch, ts: [T] });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.problems).toContainEqual({ path: '/ts', message: 'has 1 entries, value has 5' });
    const beyond = check(RawBatch, { ...wire(batch) as RawBatch, instance: [0, 1, 2, 0, 0] });
    expect(beyond.ok).toBe(false);
    if (!beyond.ok) expect(beyond.problems[0]).toEqual({ path: '/instance/2', message: 'index 2 beyond the 2 instance(s)' });
    const service = check(RawBatch, { ...wire(batch) as RawBatch, service: [0, 1, 2, 0, 0] });
    expect(service.ok).toBe(false);
    if (!service.ok) expect(service.problems[0]).toEqual({ path: '/service/2', message: 'index 2 beyond the 2 service(s)' });
    const units = check(RawBatch, { ...wire(batch) as RawBatch, units: ['ratio'] });
    expect(units.ok).toBe(false);
    const clean = new BatchBuilder();
    clean.add('api', 'i-1', 'cpu', 40, T);
    const metas = check(CleanBatch, { ...wire(clean.clean(() => meta)) as CleanBatch, metas: [] });
    expect(metas.ok).toBe(false);
    if (!metas.ok) expect(metas.problems).toContainEqual({ path: '/metas', message: 'has 0 entries, services has 1' });
  });

  it('validation: a clean batch with a value that is not finite (1e999 parses as Infinity) is refused', () => {
    const b = new BatchBuilder();
    b.add('api', 'i-1', 'cpu', 40, T);
    const text = JSON.stringify(b.clean(() => meta)).replace('[40]', '[1e999]');
    const parsed = JSON.parse(text) as CleanBatch;
    expect(parsed.value[0]).toBe(Infinity);
    const result = check(CleanBatch, parsed);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ path: '/value/0', message: 'Infinity is not a finite number' }]);
    const badTs = check(CleanBatch, JSON.parse(JSON.stringify(b.clean(() => meta)).replace(`[${T}]`, '[1e999]')));
    expect(badTs.ok).toBe(false);
    // The bus does not walk clean batches for non-finite numbers: the batch's own checks must see every one.
    const badIndex = check(CleanBatch, JSON.parse(JSON.stringify(b.clean(() => meta)).replace('"service":[0]', '"service":[1e999]')));
    expect(badIndex.ok).toBe(false);
  });

  it('filter: converts units column by column, each service with its metadata, refuses a non-finite raw value alone with its reason', () => {
    const [{ batch }] = rawBatches(samples, 100);
    const parsed = JSON.parse(JSON.stringify(batch).replace('"value":[0.4,', '"value":[1e999,')) as RawBatch;
    expect(check(RawBatch, parsed).ok).toBe(true);
    const dbMeta = { ...meta, tier: 'data' };
    const { clean, rejected } = cleanBatch(parsed, (service) => (service === 'db' ? dbMeta : meta));
    expect(rejected).toEqual([{ sample: { ...samples[0], value: Infinity }, reason: 'value is not a finite number' }]);
    expect(check(CleanBatch, wire(clean)).ok).toBe(true);
    expect(cleanSamples(clean!)).toEqual([
      { service: 'db', instance: 'i-1', metric: 'cpu', value: 40, ts: T },
      { service: 'api', instance: 'i-2', metric: 'cpu', value: 50, ts: T },
      { service: 'api', instance: 'i-2', metric: 'latency_ms', value: 120, ts: T + 1 },
      { service: 'api', instance: 'i-1', metric: 'cpu', value: 41, ts: T + 1 },
    ]);
    expect(clean!.services).toEqual(['db', 'api']);
    expect(clean!.metas).toEqual([dbMeta, meta]);
    expect(clean!.metrics).toEqual(['cpu', 'latency_ms']);
  });

  it('simulator ticks: columnar batches of at most MAX_BATCH_SAMPLES that read back as the samples; a bad index or a value that is not finite refuses the tick, saying where', () => {
    const tick = simTick('run-1', T + 1, samples);
    expect(check(SimTick, wire(tick)).ok).toBe(true);
    expect(tick.batches.flatMap(rawSamples)).toEqual(samples);
    const many = Array.from({ length: MAX_BATCH_SAMPLES + 1 }, (_, i): Sample => ({ service: 'api', instance: 'i-1', metric: 'rps', value: i, ts: T }));
    expect(simTick('run-1', T, many).batches.map((b) => b.value.length)).toEqual([MAX_BATCH_SAMPLES, 1]);
    const beyond = check(SimTick, { ...tick, batches: [{ ...tick.batches[0], metric: [0, 0, 0, 9, 0] }] });
    expect(beyond.ok).toBe(false);
    if (!beyond.ok) expect(beyond.problems[0]).toEqual({ path: '/batches/0/metric/3', message: 'index 9 beyond the 4 metric(s)' });
    const infinite = check(SimTick, JSON.parse(JSON.stringify(tick).replace('"value":[0.4,', '"value":[1e999,')));
    expect(infinite.ok).toBe(false);
    if (!infinite.ok) expect(infinite.problems[0]).toEqual({ path: '/batches/0/value/0', message: 'Infinity is not a finite number' });
    // The bus does not walk ticks for non-finite numbers: the tick's own checks must see its time too.
    const late = check(SimTick, JSON.parse(JSON.stringify(tick).replace(`"ts":${T + 1},"batches"`, '"ts":1e999,"batches"')));
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.problems[0]).toEqual({ path: '/ts', message: 'Infinity is not a finite time' });
  });
});
