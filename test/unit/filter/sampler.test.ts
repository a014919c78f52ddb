import { describe, expect, it } from 'vitest';
import { cleanBatch } from '../../../agents/base/filter/brain.js';
import filter from '../../../agents/base/filter/index.js';
import { AdaptiveSampler, DEFAULT_SAMPLING } from '../../../agents/base/filter/sampler.js';
import { mulberry32 } from '../../../agents/base/detector/brains/index.js';
import { rawBatches, type Sample } from '../../../runtime/contracts/index.js';
import { resolveConfig } from '../../../runtime/host/config.js';

const T = Date.UTC(2026, 0, 5);
const STEP = 10_000;
const ON = { ...DEFAULT_SAMPLING, enabled: true };

/** A noisy stable series around `level` with a spike of `spike` at sample `at`. */
function series(n: number, level: number, at = -1, spike = 0, seed = 1): number[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => level + (rnd() - 0.5) * 2 + (i === at ? spike : 0));
}
function fates(values: number[], settings = ON): boolean[] {
  const s = new AdaptiveSampler(settings);
  return values.map((v, i) => s.keep('api', 'i-1', 'latency_ms', v, T + i * STEP));
}

describe('adaptive sampling (filter)', () => {
  it('off by default: every sample is kept', () => {
    expect(fates(series(500, 100), DEFAULT_SAMPLING).every(Boolean)).toBe(true);
    expect(resolveConfig('filter', filter.config).sampling.enabled).toBe(false);
  });

  it('thins a stable series to about one sample per window after its warm-up', () => {
    const kept = fates(series(600, 100));
    expect(kept.slice(0, ON.warmup).every(Boolean)).toBe(true);
    const after = kept.slice(ON.warmup);
    const share = after.filter(Boolean).length / after.length;
    // 60-s windows at 10-s samples: one in six is the floor; noise adds a few surprises.
    expect(share).toBeGreaterThanOrEqual(1 / 6 - 0.01);
    expect(share).toBeLessThan(0.3);
  });

  it('keeps one sample in every aligned window of maxGapS, so an aggregator window always sees the series', () => {
    const kept = fates(series(600, 100));
    const windows = new Set<number>();
    kept.forEach((k, i) => { if (k) windows.add(Math.floor((T + i * STEP) / 60_000)); });
    for (let i = 0; i < 600; i++) expect(windows.has(Math.floor((T + i * STEP) / 60_000)), `window of sample ${i}`).toBe(true);
  });

  it('keeps the spike and every sample of the hold after it', () => {
    const at = 300;
    const kept = fates(series(600, 100, at, 40));
    expect(kept[at]).toBe(true);
    expect(kept.slice(at, at + ON.hold + 1).every(Boolean)).toBe(true);
  });

  it('follows a level shift: the new level is kept from its first sample on', () => {
    const values = series(600, 100).map((v, i) => (i >= 300 ? v + 30 : v));
    const kept = fates(values);
    expect(kept.slice(300, 300 + ON.hold).every(Boolean)).toBe(true);
  });

  it('series are independent: a spike on one keeps nothing extra on another', () => {
    const s = new AdaptiveSampler(ON);
    const a = series(200, 100, 150, 50, 1);
    const b = series(200, 100, -1, 0, 2);
    let keptB = 0;
    for (let i = 0; i < 200; i++) {
      s.keep('api', 'i-1', 'latency_ms', a[i], T + i * STEP);
      if (s.keep('api', 'i-2', 'latency_ms', b[i], T + i * STEP) && i >= 150) keptB++;
    }
    expect(keptB).toBeLessThan(20);
    expect(s.state().series).toBe(2);
  });

  it('cleanBatch with a sampler leaves dropped samples out and still rejects invalid ones', () => {
    const s = new AdaptiveSampler({ ...ON, warmup: 0, maxGapS: 3600 });
    const meta = { tier: 'app', owner: 'team', criticality: 'high' as const, dependsOn: [] };
    const warm = series(100, 50).map((value, i): Sample => ({ service: 'api', instance: 'i-1', metric: 'cpu', value, ts: T + i * STEP }));
    for (const { batch } of rawBatches(warm, 1000)) cleanBatch(batch, () => meta, s);
    const next: Sample[] = [
      { service: 'api', instance: 'i-1', metric: 'cpu', value: 50, ts: T + 100 * STEP },
      { service: 'api', instance: 'i-1', metric: 'cpu', value: 150, ts: T + 101 * STEP },
      { service: 'api', instance: 'i-1', metric: 'cpu', value: 95, ts: T + 102 * STEP },
    ];
    const { clean, rejected } = cleanBatch(rawBatches(next, 10)[0].batch, () => meta, s);
    expect(rejected.map((r) => r.reason)).toEqual(['cpu = 150 % is outside 0-100']);
    expect(clean?.value).toEqual([95]);
  });

  it('the config schema refuses nonsense with the path', () => {
    expect(() => resolveConfig('filter', filter.config, { sampling: { hold: -1 } })).toThrow(/sampling\/hold|sampling\.hold/);
  });
});
