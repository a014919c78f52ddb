/**
 * Columnar data batches (vigil.raw / vigil.clean): building them from samples, reading samples
 * back, and the checks their JSON Schema cannot express. The one place that knows the layout.
 */
import { CleanBatch, MAX_BATCH_SAMPLES, RawBatch, SimTick, type CleanSample, type Sample, type ServiceMeta } from './data.js';
import type { RawUnit } from './metrics.js';
import { refine, tolerateNonFinite, type Problem } from './validate.js';

/**
 * Builds one batch sample by sample: the service, instance and metric tables grow as names first
 * appear (a metric with two units gets two table entries), the columns grow by one.
 */
export class BatchBuilder {
  readonly services: string[] = [];
  readonly instances: string[] = [];
  readonly metrics: string[] = [];
  readonly units: (RawUnit | '')[] = [];
  readonly service: number[] = [];
  readonly instance: number[] = [];
  readonly metric: number[] = [];
  readonly value: number[] = [];
  readonly ts: number[] = [];
  readonly #serviceIndex = new Map<string, number>();
  readonly #instanceIndex = new Map<string, number>();
  readonly #metricIndex = new Map<string, number>();

  get size(): number { return this.value.length; }

  add(service: string, instance: string, metric: string, value: number, ts: number, unit: RawUnit | '' = ''): void {
    this.service.push(indexIn(this.services, this.#serviceIndex, service));
    this.instance.push(indexIn(this.instances, this.#instanceIndex, instance));
    const key = unit === '' ? metric : `${metric} ${unit}`;
    let m = this.#metricIndex.get(key);
    if (m === undefined) { m = this.metrics.push(metric) - 1; this.units.push(unit); this.#metricIndex.set(key, m); }
    this.metric.push(m);
    this.value.push(value);
    this.ts.push(ts);
  }

  raw(): RawBatch {
    const { services, instances, metrics, units, service, instance, metric, value, ts } = this;
    return { services, instances, metrics, units, service, instance, metric, value, ts };
  }

  /** The clean batch, each service with its catalogue metadata. */
  clean(metaOf: (service: string) => ServiceMeta): CleanBatch {
    const { services, instances, metrics, service, instance, metric, value, ts } = this;
    return { services, metas: services.map(metaOf), instances, metrics, service, instance, metric, value, ts };
  }
}

/** The index of `name` in a growing table, appending it the first time. */
function indexIn(table: string[], index: Map<string, number>, name: string): number {
  let i = index.get(name);
  if (i === undefined) { i = table.push(name) - 1; index.set(name, i); }
  return i;
}

/** A batch and the shard whose subject carries it. */
export interface Sharded<B> { shard: number; batch: B }

/**
 * Raw batches of `samples`: one per shard (`shardOf` a service; one shard by default), in order of
 * first appearance, at most `max` samples each.
 */
export function rawBatches(samples: readonly Sample[], max: number, shardOf: (service: string) => number = () => 0): Sharded<RawBatch>[] {
  const open = new Map<number, BatchBuilder>();
  const out: Sharded<RawBatch>[] = [];
  for (const s of samples) {
    const shard = shardOf(s.service);
    let b = open.get(shard);
    if (!b) open.set(shard, (b = new BatchBuilder()));
    b.add(s.service, s.instance, s.metric, s.value, s.ts, s.unit ?? '');
    if (b.size >= max) { out.push({ shard, batch: b.raw() }); open.delete(shard); }
  }
  for (const [shard, b] of open) out.push({ shard, batch: b.raw() });
  return out;
}

/** The simulator's tick at `ts`: `samples` in raw batches of at most MAX_BATCH_SAMPLES. */
export function simTick(runId: string, ts: number, samples: readonly Sample[]): SimTick {
  return { runId, ts, batches: rawBatches(samples, MAX_BATCH_SAMPLES).map((b) => b.batch) };
}

/** A raw batch's samples as objects (to re-shard them, or for a test). */
export function rawSamples(b: RawBatch): Sample[] {
  const out: Sample[] = new Array(b.value.length);
  for (let i = 0; i < b.value.length; i++) out[i] = rawSampleAt(b, i);
  return out;
}

/** Sample `i` of a raw batch as an object (for a DLQ entry or a test). */
export function rawSampleAt(b: RawBatch, i: number): Sample {
  const unit = b.units[b.metric[i]];
  const s: Sample = { service: b.services[b.service[i]], instance: b.instances[b.instance[i]], metric: b.metrics[b.metric[i]], value: b.value[i], ts: b.ts[i] };
  return unit === '' ? s : { ...s, unit };
}

/** A clean batch's samples as objects, for brains that take samples one by one. */
export function cleanSamples(b: CleanBatch): CleanSample[] {
  const out: CleanSample[] = new Array(b.value.length);
  for (let i = 0; i < b.value.length; i++) {
    out[i] = { service: b.services[b.service[i]], instance: b.instances[b.instance[i]], metric: b.metrics[b.metric[i]], value: b.value[i], ts: b.ts[i] };
  }
  return out;
}

/** Equal column lengths, table indexes in range, finite times; with `finite`, every value finite too. */
function columnProblems(b: RawBatch | CleanBatch, finite: boolean): Problem[] {
  const n = b.value.length;
  const problems: Problem[] = [];
  for (const column of ['service', 'instance', 'metric', 'ts'] as const) {
    if (b[column].length !== n) problems.push({ path: `/${column}`, message: `has ${b[column].length} entries, value has ${n}` });
  }
  if ('units' in b && b.units.length !== b.metrics.length) {
    problems.push({ path: '/units', message: `has ${b.units.length} entries, metrics has ${b.metrics.length}` });
  }
  if ('metas' in b && b.metas.length !== b.services.length) {
    problems.push({ path: '/metas', message: `has ${b.metas.length} entries, services has ${b.services.length}` });
  }
  if (problems.length > 0) return problems;
  const services = b.services.length;
  const instances = b.instances.length;
  const metrics = b.metrics.length;
  for (let i = 0; i < n; i++) {
    if (b.service[i] >= services) return [{ path: `/service/${i}`, message: `index ${b.service[i]} beyond the ${services} service(s)` }];
    if (b.instance[i] >= instances) return [{ path: `/instance/${i}`, message: `index ${b.instance[i]} beyond the ${instances} instance(s)` }];
    if (b.metric[i] >= metrics) return [{ path: `/metric/${i}`, message: `index ${b.metric[i]} beyond the ${metrics} metric(s)` }];
    if (finite && !Number.isFinite(b.value[i])) return [{ path: `/value/${i}`, message: `${b.value[i]} is not a finite number` }];
    // The schema's integer check lets Infinity through (JSON.parse('1e999')).
    if (!Number.isFinite(b.ts[i])) return [{ path: `/ts/${i}`, message: `${b.ts[i]} is not a finite time` }];
  }
  return [];
}

// A raw value that is not finite (JSON.parse('1e999') is Infinity) is one bad sample: the filter
// sends it to the DLQ alone. A clean batch promised finite values: one that is not is refused whole.
refine(RawBatch, (b) => columnProblems(b, false));
tolerateNonFinite(RawBatch);
refine(CleanBatch, (b) => columnProblems(b, true));
// Every number of a clean batch is a value, a time or an index, and columnProblems refuses any that
// is not finite: the bus need not walk the batch for one first (~13 us per batch and receiver).
tolerateNonFinite(CleanBatch);
// A simulator tick is checked whole: a number that is not finite refuses the tick (the simulator has
// a bug). Its own checks see every number (the tick's time and its batches' columns), so the bus need
// not walk the tick for one first.
refine(SimTick, (t) => [
  ...(Number.isFinite(t.ts) ? [] : [{ path: '/ts', message: `${t.ts} is not a finite time` }]),
  ...t.batches.flatMap((b, k) => columnProblems(b, true).map((p) => ({ ...p, path: `/batches/${k}${p.path}` }))),
]);
tolerateNonFinite(SimTick);
