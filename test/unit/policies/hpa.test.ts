import { describe, expect, it } from 'vitest';
import {
  HPA_DEFAULTS, HpaScaler, desiredFromPods, desiredReplicas, emptyHpaHistory, hpaStep, type HpaConfig,
} from '../../../policies/hpa.js';

const S = 1000;

describe('hpa: the replica formula of the Kubernetes documentation', () => {
  it('hpa: 1 replica, 200m observed for a 100m target doubles to 2', () => {
    expect(desiredReplicas(1, 200, 100, 0.1)).toBe(2);
  });

  it('hpa: 50m observed for 100m halves the replicas (ceil(current × 0.5))', () => {
    expect(desiredReplicas(4, 50, 100, 0.1)).toBe(2);
    expect(desiredReplicas(3, 50, 100, 0.1)).toBe(2); // ceil(1.5)
    expect(desiredReplicas(1, 50, 100, 0.1)).toBe(1); // ceil(0.5)
  });

  it('hpa: a ratio within the 0.1 tolerance changes nothing; just outside it does', () => {
    expect(desiredReplicas(10, 109, 100, 0.1)).toBe(10);
    expect(desiredReplicas(10, 91, 100, 0.1)).toBe(10);
    expect(desiredReplicas(10, 111, 100, 0.1)).toBe(12); // ceil(11.1)
    expect(desiredReplicas(10, 89, 100, 0.1)).toBe(9); // ceil(8.9)
  });

  it('hpa: the utilisation is averaged over the pods', () => {
    // (90 + 70 + 50) / 3 = 70 % for a 50 % target: ratio 1.4, ceil(1.4 × 3) = 5
    expect(desiredFromPods([{ utilization: 90 }, { utilization: 70 }, { utilization: 50 }], 50, 0.1)).toBe(5);
  });

  it('hpa: a pod without metric counts as 100 % on a scale-down, which may cancel it', () => {
    // ready pods say 10 %: ratio 0.2; with the missing pod at 100 %: (10+10+100)/3 = 40 %, ratio 0.8 → ceil(2.4) = 3 = current
    expect(desiredFromPods([{ utilization: 10 }, { utilization: 10 }, { utilization: null }], 50, 0.1)).toBe(3);
    // without the missing pod the same two pods would have asked for ceil(0.2 × 2) = 1
    expect(desiredFromPods([{ utilization: 10 }, { utilization: 10 }], 50, 0.1)).toBe(1);
  });

  it('hpa: a missing pod counted as 0 % that reverses the direction means no change', () => {
    // ratio 1.2 over the ready pods, (60+60+0)/3 = 40 % → 0.8 reverses the scale-up: stay at 3
    expect(desiredFromPods([{ utilization: 60 }, { utilization: 60 }, { utilization: null }], 50, 0.1)).toBe(3);
  });

  it('hpa: not-yet-ready pods count as 0 % on a scale-up, dampening it', () => {
    // ready pods at 100 % for a 50 % target: ratio 2; with the unready pod at 0 %: 200/3/50 = 1.33 → ceil(4) = 4
    expect(desiredFromPods([{ utilization: 100 }, { utilization: 100 }, { utilization: 0, ready: false }], 50, 0.1)).toBe(4);
  });
});

describe('hpa: stabilisation window and rate policies', () => {
  it('hpa: scale-down uses the highest recommendation of the last 300 s', () => {
    const hpa = new HpaScaler({ targetUtilization: 70 });
    expect(hpa.recommend(2, 140, 0)).toBe(4); // ceil(2 × 2) = 4, no up-stabilisation
    // load drops: raw recommendation 1 but 4 was recommended within 300 s
    expect(hpa.recommend(4, 10, 60 * S)).toBe(4);
    expect(hpa.recommend(4, 10, 200 * S)).toBe(4);
    expect(hpa.recommend(4, 10, 299 * S)).toBe(4);
    expect(hpa.recommend(4, 10, 300 * S)).toBe(1); // the t=0 sample is 300 s old: out of the window (strictly after the cutoff)
  });

  it('hpa: scale-up is immediate (0 s window) but limited to max(+100 %, +4 pods) per 15 s', () => {
    const hpa = new HpaScaler({ targetUtilization: 70 });
    expect(hpa.recommend(1, 700, 0)).toBe(5); // raw 10; limit max(2, 1+4) = 5
    expect(hpa.recommend(5, 700, 10 * S)).toBe(5); // within the same 15 s period: period start 1 → limit 5
    expect(hpa.recommend(5, 700, 16 * S)).toBe(10); // new period: max(10, 9) = 10 ≥ raw ceil(5 × 10) capped by limit 10
    expect(new HpaScaler().recommend(10, 210, 0)).toBe(20); // raw 30, limit max(20, 14) = 20
  });

  it('hpa: min and max replicas bound every recommendation', () => {
    const hpa = new HpaScaler({ minReplicas: 2, maxReplicas: 6 });
    expect(hpa.recommend(4, 700, 0)).toBe(6);
    const down = new HpaScaler({ minReplicas: 2, scaleDown: { ...HPA_DEFAULTS.scaleDown, stabilizationWindowS: 0 } });
    expect(down.recommend(4, 1, 0)).toBe(2);
  });

  it('hpa: the documented scale-down policies (4 pods or 10 % per 60 s, Max) remove 8 of 80, then 8 of 72', () => {
    const cfg: HpaConfig = {
      ...HPA_DEFAULTS, maxReplicas: 100,
      scaleDown: {
        stabilizationWindowS: 0, selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 4, periodS: 60 }, { type: 'Percent', value: 10, periodS: 60 }],
      },
    };
    let h = emptyHpaHistory();
    let step = hpaStep(h, { current: 80, observed: 8.75, now: 0 }, cfg); // raw ceil(80 × 0.125) = 10
    expect(step.raw).toBe(10);
    expect(step.desired).toBe(72);
    h = step.history;
    step = hpaStep(h, { current: 72, observed: 8, now: 30 * S }, cfg);
    expect(step.desired).toBe(72); // the 60 s period has already removed 8
    step = hpaStep(step.history, { current: 72, observed: 8, now: 61 * S }, cfg);
    expect(step.desired).toBe(64); // 10 % of 72 = 7.2: floor(64.8) → 8 removed
    const small = hpaStep(emptyHpaHistory(), { current: 30, observed: 1, now: 0 }, cfg);
    expect(small.desired).toBe(26); // below 40 replicas the 4-pod policy allows more
  });

  it('hpa: selectPolicy Disabled forbids that direction', () => {
    const cfg: HpaConfig = { ...HPA_DEFAULTS, scaleDown: { stabilizationWindowS: 0, selectPolicy: 'Disabled', policies: [] } };
    expect(hpaStep(emptyHpaHistory(), { current: 5, observed: 1, now: 0 }, cfg).desired).toBe(5);
  });
});
