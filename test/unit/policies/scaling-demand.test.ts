import { describe, expect, it } from 'vitest';
import { T0, MIN, win } from './fixtures.js';
import { harness } from './scaling-harness.js';

describe('scaling machine: demand', () => {
  /** a window whose rps ramps: mean, last and rate as given */
  const ramp = (h: ReturnType<typeof harness>, m: number, instances: number, v: { cpu: number; mean: number; last: number; rate: number }) => {
    const w = win('api', m, instances, { cpu: v.cpu, rps: v.mean });
    w.metrics.rps = { ...w.metrics.rps, last: v.last, max: v.last, rate: v.rate };
    h.evaluate(w);
  };

  it('scaling: a surge is met on its first window, sized on the rps projected ahead at the CPU target', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 3, { cpu: 50, rps: 150 }); // 100 rps per instance at 100 % cpu
    ramp(h, 3, 3, { cpu: 90, mean: 450, last: 750, rate: 5 });
    // the last reading jumped beyond the window's noise: 750 rps now; one rising window is no trend yet → ceil(750 / 70) = 11
    expect(h.acts()).toEqual([expect.objectContaining({ type: 'scale-out', params: { instances: 11, from: 3 } })]);
    expect(h.acts()[0].reason).toMatch(/^demand: rps 750 expected in 60 s/);
  });

  it('scaling: a step the demand did not grow into ends its validation without the cooldown: the surplus goes after the scale-in\'s own stabilisation', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 3, { cpu: 50, rps: 150 });
    ramp(h, 3, 3, { cpu: 80, mean: 250, last: 350, rate: 1.7 });
    h.reply('applied', T0 + 4 * MIN + 100);
    ramp(h, 4, 5, { cpu: 90, mean: 450, last: 600, rate: 3.3 }); // rising two windows running: sized for the ramp going on, 11
    h.reply('applied', T0 + 5 * MIN + 100);
    expect(h.acts().map((a) => a.params.instances)).toEqual([5, 11]);
    // the ramp stopped at 600 rps, which 9 instances serve at the CPU target
    let scaledIn = -1;
    for (let m = 5; m < 20 && scaledIn < 0; m++) {
      h.minute(m, 11, { cpu: 55, rps: 600 });
      if (h.acts().length > 2) scaledIn = m;
    }
    expect(h.acts()[2]).toMatchObject({ type: 'scale-in', params: { instances: 9, from: 11 } });
    // once the plans stop needing 11 (the ramp's windows leave the trend fit) and the 5-minute
    // stabilisation has passed, not once the 15-minute cooldown is over
    expect(scaledIn).toBeLessThan(4 + 15);
  });

  it('scaling: a ramp inside the window is not taken for noise: the last reading counts against the quiet windows\' spread', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) {
      const w = win('api', m, 3, { cpu: 50, rps: 150 });
      w.metrics.rps = { ...w.metrics.rps, p50: 150, p90: 156, max: 158 }; // 3 % noise
      h.evaluate(w);
    }
    // 150 -> 750 rps within the minute: readings spread evenly (p90 - p50 = 0.4 x 600), as wide as the jump itself
    const w = win('api', 3, 3, { cpu: 90, rps: 450 });
    w.metrics.rps = { ...w.metrics.rps, p50: 450, p90: 690, max: 750, last: 750, rate: 5 };
    h.evaluate(w);
    // 750 is far beyond 2 x 3 % of 450: the level is 750 → ceil(750 / 70) = 11, not the mean's ceil(450 / 70) = 7
    expect(h.acts()).toEqual([expect.objectContaining({ type: 'scale-out', params: { instances: 11, from: 3 } })]);
  });

  it('scaling: a ramp over several windows is projected to the boot horizon by its least-squares slope', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 3, { cpu: 50, rps: 150 });
    for (let m = 3; m < 7; m++) ramp(h, m, 3, { cpu: 50 * (1 + (m - 2) / 7.5), mean: 150 + 20 * (m - 2), last: 150 + 20 * (m - 2), rate: 0.33 });
    // means 170 .. 230 rise 20 a minute: 230 now is 77 % of 3 x 100, under the 90 % trigger; the
    // mean stands for the window's middle, so 30 + 60 s ahead at the fitted slope (0.33 rps/s) it is 260 (87 %): still nothing
    expect(h.acts()).toEqual([]);
    ramp(h, 7, 3, { cpu: 50 * (1 + 5 / 7.5), mean: 250, last: 250, rate: 0.33 });
    // 250 + 0.33 x 90 = 280 rps = 93 % of 300: the projection, not the reading, crosses the trigger
    expect(h.acts()).toEqual([expect.objectContaining({ type: 'scale-out', params: { instances: 4, from: 3 } })]);
    expect(h.acts()[0].reason).toMatch(/^demand: rps 280 expected in 60 s/);
  });

  it('scaling: a step in flight that the load outgrows is followed by the next one at once', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 3, { cpu: 50, rps: 150 });
    ramp(h, 3, 3, { cpu: 90, mean: 200, last: 400, rate: 1 }); // the last reading jumped: 400 rps → ceil(400 / 70) = 6
    h.reply('applied', T0 + 4 * MIN + 100);
    expect(h.state()).toBe('validating');
    ramp(h, 4, 6, { cpu: 99, mean: 400, last: 400, rate: 1 }); // 400 rps and its trend ahead stay under 90 % of 6 × 100 (booting included): the step in flight suffices
    expect(h.acts()).toHaveLength(1);
    // 1000 now and still rising: means 200, 400, 900 rose two windows running and the last reading is
    // above its window's mean, so the ramp goes on at (900 - 200) / 120 s: 1000 + 5.8 x 60 = 1350 at
    // the boot horizon, the next step at once, above the 15 the reading alone asks
    ramp(h, 5, 6, { cpu: 99, mean: 900, last: 1000, rate: 7 });
    expect(h.notes()).toContain('validation-outgrown');
    expect(h.acts().map((a) => a.params)).toEqual([{ instances: 6, from: 3 }, { instances: 20, from: 6 }]);
    expect(h.acts()[1].reason).toMatch(/^demand: rps 1\d{3}(\.\d+)? expected in 60 s/);
  });

  it('scaling: a saturated CPU (>= 95 %) with unchanged traffic scales out at once by the HPA formula', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 3, { cpu: 60, rps: 180 });
    h.minute(3, 3, { cpu: 96, rps: 180 });
    expect(h.acts()).toEqual([expect.objectContaining({ type: 'scale-out', params: { instances: 5, from: 3 } })]); // ceil(3 × 96/70)
    expect(h.acts()[0].reason).toMatch(/^demand: cpu 96 % saturates 3 instances/);
  });

  it('scaling: a scale-in goes no lower than what the plan of any window of the stabilisation needs for the high end of its demand', () => {
    const h = harness();
    const pattern = [600, 450, 700, 500, 650]; // window means that swing, readings steady within each
    const needed: number[] = [];
    for (let m = 0; m < pattern.length; m++) {
      const rps = pattern[m];
      const w = win('api', m, 10, { cpu: (rps / 10) * 0.5, rps }); // 200 rps per instance at 100 % cpu
      w.metrics.rps = { ...w.metrics.rps, p50: rps, p90: rps * 1.01, max: rps * 1.02 };
      h.evaluate(w);
      needed.push(h.actor.getSnapshot().context.plan?.needed ?? 0);
    }
    // the busiest reading, 714 rps, needs ceil(714 / 140) = 6 at the CPU target, which is where the scale-in
    // went before; the plans, whose high end of demand widens with the swings, need up to 7
    expect(Math.max(...needed)).toBe(7);
    expect(h.acts()).toEqual([expect.objectContaining({ type: 'scale-in', params: { instances: 7, from: 10 } })]);
  });

  it('scaling: steady load well within the learnt capacity never triggers demand scaling', () => {
    const h = harness();
    for (let m = 0; m < 20; m++) h.minute(m, 5, { cpu: 67, rps: 500 });
    expect(h.acts()).toHaveLength(0);
    const plan = h.actor.getSnapshot().context.plan;
    expect(plan?.capacity.perInstanceRps).toBeCloseTo(149.25, 1);
  });
});
