import { describe, expect, it } from 'vitest';
import { EpochGate } from '../../runtime/host/epoch-gate.js';

const rank = (kind: string) => ['aggregator', 'correlator', 'predictor'].indexOf(kind);

describe('EpochGate', () => {
  it('epoch gate: messages wait for the low watermark and come out in hierarchy order, whatever the arrival order', () => {
    const run = (arrivals: [string, string][]) => {
      const gate = new EpochGate(rank);
      const seen: string[] = [];
      for (const [source, label] of arrivals) gate.holdFromAgent(source, source.split('-')[0], () => seen.push(label));
      gate.watermark('predictor-1', 10);
      gate.watermark('aggregator-1', 10);
      gate.release(5);
      expect(seen).toEqual([]);
      gate.watermark('correlator-1', 10);
      gate.release(10);
      return seen;
    };
    const a = run([['predictor-1', 'forecast'], ['aggregator-1', 'agg'], ['correlator-1', 'incident']]);
    const b = run([['correlator-1', 'incident'], ['aggregator-1', 'agg'], ['predictor-1', 'forecast']]);
    expect(a).toEqual(['agg', 'incident', 'forecast']);
    expect(b).toEqual(a);
  });

  it('epoch gate: a message sent after a watermark waits for the next epoch', () => {
    const gate = new EpochGate(rank);
    const seen: string[] = [];
    gate.holdFromAgent('aggregator-1', 'aggregator', () => seen.push('t1'));
    gate.watermark('aggregator-1', 10);
    gate.holdFromAgent('aggregator-1', 'aggregator', () => seen.push('t2'));
    gate.release(10);
    expect(seen).toEqual(['t1']);
    gate.watermark('aggregator-1', 20);
    gate.release(20);
    expect(seen).toEqual(['t1', 't2']);
  });

  it('epoch gate: a message from outside the hierarchy is released at its own event time, first within it', () => {
    const gate = new EpochGate(rank);
    const seen: string[] = [];
    gate.holdUntil(20, () => seen.push('result@20'));
    gate.holdFromAgent('aggregator-1', 'aggregator', () => seen.push('agg'));
    gate.watermark('aggregator-1', 20);
    gate.release(10);
    expect(seen).toEqual([]);
    gate.release(20);
    expect(seen).toEqual(['result@20', 'agg']);
    gate.holdUntil(15, () => seen.push('late@15'));
    expect(seen).toEqual(['result@20', 'agg', 'late@15']);
    gate.reset();
    expect(gate.size()).toBe(0);
  });

  it('epoch gate: steps through every epoch end a jump of the low watermark covers', () => {
    const gate = new EpochGate(rank);
    gate.watermark('aggregator-1', 10);
    gate.watermark('aggregator-1', 20);
    gate.watermark('aggregator-1', 30);
    gate.holdUntil(25, () => undefined);
    expect(gate.stepsUpTo(25)).toEqual([10, 20, 25]);
    expect(gate.stepsUpTo(40)).toEqual([30]);
  });
});
