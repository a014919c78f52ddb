import { describe, expect, it } from 'vitest';
import { cleanBatch } from '../../../agents/base/filter/brain.js';
import {
  BatchBuilder, CleanBatch, RawBatch, check, cleanSamples, rawBatches, rawSampleAt, type Sample,
} from '../../../runtime/contracts/index.js';

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
  it('rawBatches: one batch per service with shared tables; every sample reads back as it went in', () => {
    const batches = rawBatches(samples, 100);
    expect(batches.map((b) => b.service)).toEqual(['api', 'db']);
    const [api] = batches;
    expect(api.instances).toEqual(['i-1', 'i-2']);
    // One metric with two units gets two table entries.
    expect(api.metrics).toEqual(['cpu', 'latency_ms', 'cpu']);
    expect(api.units).toEqual(['ratio', 's', 'percent']);
    expect(check(RawBatch, wire(api)).ok).toBe(true);
    const back = [...batches.flatMap((b) => b.value.map((_, i) => rawSampleAt(b, i)))];
    expect(back).toEqual([samples[0], samples[2], samples[3], samples[4], samples[1]]);
  });

  it('rawBatches: splits a service at the size limit', () => {
    const many = Array.from({ length: 7 }, (_, i): Sample => ({ service: 'api', instance: 'i-1', metric: 'rps', value: i, ts: T + i }));
    expect(rawBatches(many, 3).map((b) => b.value)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('validation: unequal columns and indexes beyond the tables are refused with where and what', () => {
    const [api] = rawBatches(samples, 100);
    const short = check(RawBatch, { ...wire(api) as RawBatch, ts: [T] });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.problems).toContainEqual({ path: '/ts', message: 'has 1 entries, value has 4' });
    const beyond = check(RawBatch, { ...wire(api) as RawBatch, instance: [0, 1, 2, 0] });
    expect(beyond.ok).toBe(false);
    if (!beyond.ok) expect(beyond.problems[0]).toEqual({ path: '/instance/2', message: 'index 2 beyond the 2 instance(s)' });
    const units = check(RawBatch, { ...wire(api) as RawBatch, units: ['ratio'] });
    expect(units.ok).toBe(false);
  });

  it('validation: a clean batch with a value that is not finite (1e999 parses as Infinity) is refused', () => {
    const b = new BatchBuilder('api');
    b.add('i-1', 'cpu', 40, T);
    const text = JSON.stringify(b.clean(meta)).replace('[40]', '[1e999]');
    const parsed = JSON.parse(text) as CleanBatch;
    expect(parsed.value[0]).toBe(Infinity);
    const result = check(CleanBatch, parsed);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ path: '/value/0', message: 'Infinity is not a finite number' }]);
    const badTs = check(CleanBatch, JSON.parse(JSON.stringify(b.clean(meta)).replace(`[${T}]`, '[1e999]')));
    expect(badTs.ok).toBe(false);
  });

  it('filter: converts units column by column, refuses a non-finite raw value alone with its reason', () => {
    const [api] = rawBatches(samples, 100);
    const parsed = JSON.parse(JSON.stringify(api).replace('"value":[0.4,', '"value":[1e999,')) as RawBatch;
    expect(check(RawBatch, parsed).ok).toBe(true);
    const { clean, rejected } = cleanBatch(parsed, meta);
    expect(rejected).toEqual([{ sample: { ...samples[0], value: Infinity }, reason: 'value is not a finite number' }]);
    expect(check(CleanBatch, wire(clean)).ok).toBe(true);
    expect(cleanSamples(clean!)).toEqual([
      { service: 'api', instance: 'i-2', metric: 'cpu', value: 50, ts: T },
      { service: 'api', instance: 'i-2', metric: 'latency_ms', value: 120, ts: T + 1 },
      { service: 'api', instance: 'i-1', metric: 'cpu', value: 41, ts: T + 1 },
    ]);
    expect(clean!.metrics).toEqual(['cpu', 'latency_ms']);
  });
});
