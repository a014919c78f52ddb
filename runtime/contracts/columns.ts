/**
 * Columnar data batches (vigil.raw / vigil.clean): building them from samples, reading samples
 * back, and the checks their JSON Schema cannot express. The one place that knows the layout.
 */
import { CleanBatch, RawBatch, type CleanSample, type Sample, type ServiceMeta } from './data.js';
import type { RawUnit } from './metrics.js';
import { refine, tolerateNonFinite, type Problem } from './validate.js';

/**
 * Builds one service's batch sample by sample: the instance and metric tables grow as names
 * first appear (a metric with two units gets two table entries), the columns grow by one.
 */
export class BatchBuilder {
  readonly instances: string[] = [];
  readonly metrics: string[] = [];
  readonly units: (RawUnit | '')[] = [];
  readonly instance: number[] = [];
  readonly metric: number[] = [];
  readonly value: number[] = [];
  readonly ts: number[] = [];
  readonly #instanceIndex = new Map<string, number>();
  readonly #metricIndex = new Map<string, number>();

  constructor(readonly service: string) {}

  get size(): number { return this.value.length; }

  add(instance: string, metric: string, value: number, ts: number, unit: RawUnit | '' = ''): void {
    let i = this.#instanceIndex.get(instance);
    if (i === undefined) { i = this.instances.push(instance) - 1; this.#instanceIndex.set(instance, i); }
    const key = unit === '' ? metric : `${metric} ${unit}`;
    let m = this.#metricIndex.get(key);
    if (m === undefined) { m = this.metrics.push(metric) - 1; this.units.push(unit); this.#metricIndex.set(key, m); }
    this.instance.push(i);
    this.metric.push(m);
    this.value.push(value);
    this.ts.push(ts);
  }

  raw(): RawBatch {
    const { service, instances, metrics, units, instance, metric, value, ts } = this;
    return { service, instances, metrics, units, instance, metric, value, ts };
  }

  clean(meta: ServiceMeta): CleanBatch {
    const { service, instances, metrics, instance, metric, value, ts } = this;
    return { service, meta, instances, metrics, instance, metric, value, ts };
  }
}

/** Raw batches of `samples`, one per service in order of first appearance, at most `max` samples each. */
export function rawBatches(samples: readonly Sample[], max: number): RawBatch[] {
  const open = new Map<string, BatchBuilder>();
  const out: RawBatch[] = [];
  for (const s of samples) {
    let b = open.get(s.service);
    if (!b) open.set(s.service, (b = new BatchBuilder(s.service)));
    b.add(s.instance, s.metric, s.value, s.ts, s.unit ?? '');
    if (b.size >= max) { out.push(b.raw()); open.delete(s.service); }
  }
  for (const b of open.values()) out.push(b.raw());
  return out;
}

/** Sample `i` of a raw batch as an object (for a DLQ entry or a test). */
export function rawSampleAt(b: RawBatch, i: number): Sample {
  const unit = b.units[b.metric[i]];
  const s: Sample = { service: b.service, instance: b.instances[b.instance[i]], metric: b.metrics[b.metric[i]], value: b.value[i], ts: b.ts[i] };
  return unit === '' ? s : { ...s, unit };
}

/** A clean batch's samples as objects, for brains that take samples one by one. */
export function cleanSamples(b: CleanBatch): CleanSample[] {
  const out: CleanSample[] = new Array(b.value.length);
  for (let i = 0; i < b.value.length; i++) {
    out[i] = { service: b.service, instance: b.instances[b.instance[i]], metric: b.metrics[b.metric[i]], value: b.value[i], ts: b.ts[i] };
  }
  return out;
}

/** Equal column lengths, table indexes in range, finite times; with `finite`, every value finite too. */
function columnProblems(b: RawBatch | CleanBatch, finite: boolean): Problem[] {
  const n = b.value.length;
  const problems: Problem[] = [];
  for (const column of ['instance', 'metric', 'ts'] as const) {
    if (b[column].length !== n) problems.push({ path: `/${column}`, message: `has ${b[column].length} entries, value has ${n}` });
  }
  if ('units' in b && b.units.length !== b.metrics.length) {
    problems.push({ path: '/units', message: `has ${b.units.length} entries, metrics has ${b.metrics.length}` });
  }
  if (problems.length > 0) return problems;
  const instances = b.instances.length;
  const metrics = b.metrics.length;
  for (let i = 0; i < n; i++) {
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
