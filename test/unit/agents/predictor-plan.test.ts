import { describe, expect, it } from 'vitest';
import { CapacityPlanner } from '../../../agents/intermediate/predictor/planner.js';
import { demandWander, robustSpread, significantSlope } from '../../../agents/intermediate/predictor/capacity.js';
import { loadPolicy } from '../../../policies/load.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import { CapacityPlan, check, describeProblems, findNonFinite, type CatalogEntry } from '../../../runtime/contracts/index.js';
import { MIN, T0, result, stat, win } from '../policies/fixtures.js';

const policy = loadPolicy().scaling;

/** A planner over the default scaling policy and a catalogue of the given entries. */
function planner(entries: Partial<CatalogEntry>[] = []): CapacityPlanner {
  const byName = new Map(entries.map((e) => [e.service as string, { tier: 'backend', criticality: 'medium', ...e } as CatalogEntry]));
  return new CapacityPlanner((s) => scalingPolicyFor(policy, s, byName.get(s)));
}

/** Feeds minutes [from, to) of steady load; returns the last plan. */
function steady(p: CapacityPlanner, from: number, to: number, instances: number, cpu: number, rps: number, extra: Record<string, number> = {}) {
  let last = null;
  for (let m = from; m < to; m++) last = p.window(win('api', m, instances, { cpu, rps, ...extra }));
  return last;
}

describe('predictor: capacity plans', () => {
  it('plan: capacity is learnt from stable healthy windows only (rps / (instances x cpu)), null until then', () => {
    const p = planner();
    const first = p.window(win('api', 0, 4, { cpu: 50, rps: 200 }));
    expect(first?.capacity).toEqual({ perInstanceRps: null, samples: 0, settling: false }); // no previous window: count not known stable
    expect(first?.needed).toBeNull();
    const second = p.window(win('api', 1, 4, { cpu: 50, rps: 200 }));
    expect(second?.capacity.perInstanceRps).toBeCloseTo(100, 6); // 200 / (4 x 0.5)
    expect(second?.capacity.samples).toBe(1);
    // an idle reading (cpu under learnCpuMin), a saturated one (over learnCpuMax) and a failing service teach nothing
    for (const [m, v] of [[2, { cpu: 10, rps: 10 }], [3, { cpu: 95, rps: 800 }], [4, { cpu: 50, rps: 100, error_rate: 5 }]] as const) {
      expect(p.window(win('api', m, 4, v))?.capacity).toMatchObject({ perInstanceRps: 100, samples: 1 });
    }
    // the instance count moved: that window teaches nothing, the next stable one does (EWMA, learnWeight 0.3)
    expect(p.window(win('api', 5, 5, { cpu: 40, rps: 300 }))?.capacity.samples).toBe(1);
    const after = p.window(win('api', 6, 5, { cpu: 40, rps: 300 }));
    expect(after?.capacity.perInstanceRps).toBeCloseTo(100 + 0.3 * (150 - 100), 6);
  });

  it('plan: an applied capacity change settles for the validation window before windows teach again', () => {
    const p = planner();
    steady(p, 0, 3, 4, 50, 200);
    p.result(result('scaling-api_a1', 'api', 'scale-out', 'applied', T0 + 3 * MIN + 10_000));
    p.result(result('scaling-api_a1', 'api', 'scale-out', 'duplicate', T0 + 9 * MIN)); // a resend's answer: counted once
    const during = steady(p, 3, 8, 8, 30, 200); // booting instances read low: 200 / (8 x 0.3) would be 83 rps
    expect(during?.capacity).toEqual({ perInstanceRps: 100, samples: 2, settling: true });
    const settled = steady(p, 8, 10, 8, 25, 200); // validation.windowS (300 s) after the apply
    expect(settled?.capacity.settling).toBe(false);
    expect(settled?.capacity.samples).toBe(3);
    // failed, dry-run and other actions change nothing
    p.result(result('scaling-api_a2', 'api', 'scale-out', 'failed', T0 + 10 * MIN));
    p.result(result('rem-1_a1', 'api', 'restart', 'applied', T0 + 10 * MIN));
    expect(p.window(win('api', 10, 8, { cpu: 25, rps: 200 }))?.capacity.settling).toBe(false);
  });

  it('plan: the forecast looks as far ahead as the service boots (its catalogue boot delay + half a window), else demand.leadS', () => {
    const p = planner([{ service: 'api', bootDelayS: 90 }, { service: 'db', bootDelayS: 300 }]);
    const api = p.window(win('api', 0, 2, { cpu: 50, rps: 100 }));
    const db = p.window(win('db', 0, 2, { cpu: 50, rps: 100 }));
    const web = p.window(win('web', 0, 2, { cpu: 50, rps: 100 }));
    expect(api?.demand?.horizonS).toBe(90 + policy.windowS / 2);
    expect(db?.demand?.horizonS).toBe(300 + policy.windowS / 2);
    expect(web?.demand?.horizonS).toBe(policy.demand.leadS);
  });

  it('plan: a ramp is projected to the boot horizon by its significant slope; a flat series is not', () => {
    const p = planner([{ service: 'api', bootDelayS: 90 }]);
    let plan = null;
    for (let m = 0; m < 5; m++) plan = p.window(win('api', m, 4, { cpu: 50, rps: 200 + 10 * m }));
    expect(plan?.demand?.slopePerS).toBeCloseTo(10 / 60, 6);
    // the window's mean stands for its middle: the slope runs for the horizon and half a window more
    expect(plan?.demand?.forecast).toBeCloseTo(240 + (10 / 60) * (120 + 30), 6);
    expect(significantSlope([{ ts: 0, rps: 5 }, { ts: 60_000, rps: 5 }, { ts: 120_000, rps: 5 }], 2)).toBe(0);
    // time to saturation: until the demand reaches what the instances in place serve at 100 % cpu
    const per = plan!.capacity.perInstanceRps!;
    expect(plan?.timeToSaturationS).toBeCloseTo((4 * per - 240) / (10 / 60), 3);
  });

  it('plan: a ramp that has just begun counts at its own slope once it rose two windows running and still rises; a step that levels off does not', () => {
    // readings spread by 4 rps in quiet windows (p90 - p50 = 5); a window that rises inside has its last reading above its mean
    const minute = (p: CapacityPlanner, m: number, mean: number, last = mean) => {
      const w = win('api', m, 4, { cpu: 50, rps: mean });
      w.metrics.rps = stat(mean, { p50: mean, p90: mean + 5, last });
      return p.window(w)!;
    };
    const ramp = planner([{ service: 'api', bootDelayS: 90 }]);
    for (let m = 0; m < 4; m++) minute(ramp, m, 200);
    minute(ramp, 4, 220, 240);
    const plan = minute(ramp, 5, 260, 280);
    // the least-squares line over 200, 200, 200, 220, 260 holds the flat windows: about half the ramp's slope
    const means = [200, 200, 200, 220, 260].map((rps, m) => ({ ts: T0 + (m + 2) * MIN, rps }));
    expect(significantSlope(means, policy.demand.trendSignificance)).toBeLessThan(0.3);
    expect(plan.demand?.slopePerS).toBeCloseTo(60 / 120, 6);
    expect(plan.demand?.forecast).toBeCloseTo(280 + 0.5 * 120, 6);
    const step = planner([{ service: 'api', bootDelayS: 90 }]);
    for (let m = 0; m < 4; m++) minute(step, m, 200);
    minute(step, 4, 220, 240);
    // flat inside its window: a new level, not a ramp; only the fitted line counts
    expect(minute(step, 5, 260).demand?.slopePerS).toBeCloseTo(significantSlope(means, policy.demand.trendSignificance), 6);
  });

  it('plan: a rise no larger than the demand wandered by itself in the last half hour is no trend; the same rise out of a steady series is', () => {
    // window means that wander as correlated traffic does (two slow waves, of 9 and 13 minutes, up to
    // 90 rps a minute), then five minutes on a tight line up by 40 rps a minute: the residuals alone
    // would call that a trend
    const wander = Array.from({ length: 25 }, (_, m) => 1000 + 120 * Math.sin((2 * Math.PI * m) / 9) + 80 * Math.sin((2 * Math.PI * m) / 13 + 1));
    const rise = [900, 940, 980, 1020, 1060];
    const play = (before: number[]) => {
      const p = planner([{ service: 'api', bootDelayS: 90 }]);
      let plan = null;
      for (const [m, rps] of [...before, ...rise].entries()) plan = p.window(win('api', m, 10, { cpu: rps / 20, rps }));
      return plan!;
    };
    const noisy = play(wander);
    expect(noisy.demand?.slopePerS).toBe(0);
    expect(noisy.demand?.slopeSe).toBeGreaterThan(40 / 60 / policy.demand.trendSignificance);
    const calm = play(wander.map(() => 900));
    expect(calm.demand?.slopePerS).toBeCloseTo(40 / 60, 6);
  });

  it('plan: what the demand wandered by is measured apart from a steady ramp, and a few odd values do not move it', () => {
    const line = Array.from({ length: 30 }, (_, m) => ({ ts: T0 + m * MIN, rps: 500 + 20 * m }));
    expect(demandWander(line, 5)).toEqual({ step: 0, slope: 0 });
    expect(demandWander(line.slice(0, 10), 5)).toEqual({ step: 0, slope: 0 }); // too short to say
    const waves = line.map((p, m) => ({ ...p, rps: p.rps + 100 * Math.sin((2 * Math.PI * m) / 9) }));
    const moved = demandWander(waves, 5);
    expect(moved.step).toBeGreaterThan(30);
    expect(moved.slope * 60).toBeGreaterThan(20); // rps a minute
    expect(robustSpread([1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, 500])).toBeCloseTo(1.4826, 6);
    expect(robustSpread([1, 2, 3])).toBe(0);
  });

  it('plan: the interval widens with the noise of the readings, and the instances needed take its high end as headroom', () => {
    const noisy = (spread: number) => {
      const p = planner();
      steady(p, 0, 3, 4, 50, 200);
      const w = win('api', 3, 4, { cpu: 50, rps: 200 });
      w.metrics.rps = stat(200, { p50: 200, p90: 200 + spread });
      return p.window(w)!;
    };
    const calm = noisy(0);
    const wild = noisy(64);
    expect(calm.demand?.high).toBeCloseTo(calm.demand!.forecast, 6);
    expect(wild.demand?.noise).toBeCloseTo(64 / 1.28, 6);
    expect(wild.demand!.high - wild.demand!.low).toBeGreaterThan(calm.demand!.high - calm.demand!.low);
    expect(wild.demand?.high).toBeCloseTo(200 + 2 * 50, 6); // noiseSigmas (2) sigmas
    // 100 rps per instance at 100 % cpu, target 70 %: 200 -> 3 instances, 300 (with headroom) -> 5
    expect(calm.needed).toBe(3);
    expect(wild.needed).toBe(5);
  });

  it('plan: none for another window size or a tier vigil does not scale', () => {
    const p = planner([{ service: 'partner', tier: 'partner' }]);
    expect(p.window({ ...win('api', 0, 2, { cpu: 50, rps: 100 }), windowS: 300 })).toBeNull();
    expect(p.window(win('partner', 0, 2, { rps: 100 }))).toBeNull();
  });

  it('plan: what was learnt is saved and taken back as JSON (a restarted predictor goes on); a bad state is refused naming its path', () => {
    const p = planner();
    steady(p, 0, 4, 4, 50, 200);
    p.result(result('scaling-api_a1', 'api', 'scale-out', 'applied', T0 + 4 * MIN));
    const again = planner();
    again.restore(JSON.parse(JSON.stringify(p.saved())));
    const w = win('api', 4, 6, { cpu: 40, rps: 260 });
    expect(again.window(w)).toEqual(p.window(w));
    const bad = JSON.parse(JSON.stringify(p.saved())) as Record<string, { means: unknown[] }>;
    bad.api.means.push({ ts: 'soon', rps: 3 });
    expect(() => again.restore(bad)).toThrow(/predictor capacity state\.api\.means\.\d+\.ts/);
    expect(again.window({ ...w, start: w.end, end: w.end + MIN })?.capacity.samples).toBe(p.saved().api.capacity?.samples); // the good state stayed
  });

  it('plan: every plan passes its own contract', () => {
    const p = planner();
    for (let m = 0; m < 6; m++) {
      const plan = p.window(win('api', m, 3, { cpu: 40 + m, rps: 100 + 7 * m }));
      expect(check(CapacityPlan, plan).ok).toBe(true);
    }
  });
});

describe('contract: a bad capacity plan is refused with what and where', () => {
  const good = (): Record<string, unknown> => {
    const p = planner();
    steady(p, 0, 2, 4, 50, 200);
    return JSON.parse(JSON.stringify(p.window(win('api', 2, 4, { cpu: 50, rps: 200 })))) as Record<string, unknown>;
  };

  it('contract: a negative capacity, a missing demand field or an unknown field is rejected naming its path', () => {
    const negative = good();
    (negative.capacity as Record<string, unknown>).perInstanceRps = -3;
    const r1 = check(CapacityPlan, negative);
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(describeProblems('plan', r1.problems)).toMatch(/capacity\.perInstanceRps/);
    const missing = good();
    delete (missing.demand as Record<string, unknown>).forecast;
    const r2 = check(CapacityPlan, missing);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(describeProblems('plan', r2.problems)).toMatch(/demand/);
    const extra = { ...good(), capacityGuess: 12 };
    expect(check(CapacityPlan, extra).ok).toBe(false);
  });

  it('contract: an infinite forecast (1e999 on the wire) is found before the schema would pass it', () => {
    const text = JSON.stringify(good()).replace(/"forecast":[0-9.e+-]+/, '"forecast":1e999');
    expect(findNonFinite(JSON.parse(text))).toBe('/demand/forecast');
  });
});
