import { describe, expect, it } from 'vitest';
import { EpochGate } from '../../runtime/host/epoch-gate.js';
import { formatReplicas, parsePartition, parseReplicas, partitionOf } from '../../runtime/host/partition.js';
import { WatermarkTracker } from '../../runtime/host/watermarks.js';

describe('partitioned agents', () => {
  it('partitionOf: stable, in range, and spreads services over the replicas', () => {
    const services = Array.from({ length: 1000 }, (_, i) => `svc-${i}`);
    const counts = [0, 0, 0];
    for (const s of services) counts[partitionOf(s, 3)]++;
    for (const c of counts) expect(c).toBeGreaterThan(250);
    expect(partitionOf('api', 2)).toBe(partitionOf('api', 2));
    expect(services.every((s) => partitionOf(s, 1) === 0)).toBe(true);
  });

  it('VIGIL_PARTITION and VIGIL_REPLICAS: read back what the supervisor writes, refuse nonsense with the variable named', () => {
    expect(parsePartition('1/2')).toEqual({ index: 1, count: 2 });
    expect(parsePartition(undefined)).toBeUndefined();
    expect(parsePartition('')).toBeUndefined();
    expect(() => parsePartition('2/2')).toThrow(/VIGIL_PARTITION '2\/2'/);
    expect(() => parsePartition('a')).toThrow(/VIGIL_PARTITION/);
    const fleet = [{ kind: 'filter', count: 1 }, { kind: 'detector', count: 2 }, { kind: 'aggregator', count: 3 }];
    expect(parseReplicas(formatReplicas(fleet))).toEqual({ detector: 2, aggregator: 3 });
    expect(parseReplicas('')).toEqual({});
    expect(() => parseReplicas('detector=0')).toThrow(/VIGIL_REPLICAS/);
  });

  it('epoch gate: one replica or two, messages of an epoch come out in the same order (by subject, then arrival)', () => {
    const run = (sources: Record<string, string>, arrivals: [string, number][]) => {
      const gate = new EpochGate(() => 0);
      const seen: string[] = [];
      for (const [subject, n] of arrivals) gate.holdFromAgent(sources[subject], 'detector', () => seen.push(`${subject}#${n}`), subject);
      for (const source of new Set(Object.values(sources))) gate.watermark(source, 10);
      gate.release(10);
      return seen;
    };
    const arrivals: [string, number][] = [['vigil.alert.web', 1], ['vigil.alert.api', 1], ['vigil.alert.web', 2], ['vigil.alert.api', 2]];
    const one = run({ 'vigil.alert.api': 'detector-1', 'vigil.alert.web': 'detector-1' }, arrivals);
    const two = run({ 'vigil.alert.api': 'detector-1', 'vigil.alert.web': 'detector-2' }, [arrivals[1], arrivals[3], arrivals[0], arrivals[2]]);
    expect(one).toEqual(['vigil.alert.api#1', 'vigil.alert.api#2', 'vigil.alert.web#1', 'vigil.alert.web#2']);
    expect(two).toEqual(one);
  });

  it('watermarks: with two replicas of a kind, the clock waits until both have spoken', () => {
    const tracker = new WatermarkTracker(['filter', 'detector'], { detector: 2 });
    expect(tracker.observe('filter', 'filter-1', 20)).toBeNull();
    expect(tracker.observe('detector', 'detector-1', 20)).toBeNull();
    expect(tracker.observe('detector', 'detector-2', 10)).toBe(10);
    expect(tracker.observe('detector', 'detector-2', 20)).toBe(20);
  });
});
