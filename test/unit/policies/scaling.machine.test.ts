import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../../runtime/contracts/index.js';
import { loadPolicy } from '../../../policies/load.js';
import { MIN, T0, result, win } from './fixtures.js';
import { busy, harness } from './scaling-harness.js';

describe('scaling machine: horizontal triggers', () => {
  it('scaling: CPU > 70 % for 5 min scales out with the HPA formula, not before 5 min', () => {
    const h = harness();
    for (let m = 0; m < 4; m++) h.minute(m, 4, busy);
    expect(h.acts()).toHaveLength(0);
    expect(h.state()).toBe('breaching');
    h.minute(4, 4, busy);
    expect(h.state()).toBe('acting');
    expect(h.acts()).toEqual([expect.objectContaining({
      actionId: 'scaling-api_a1', type: 'scale-out', params: { instances: 6, from: 4 }, sends: 1,
    })]);
    expect(h.acts()[0].reason).toMatch(/^cpu_high: cpu mean 90 > 70/);
  });

  it('scaling: a dip below the threshold restarts the 5-minute count', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 4, busy);
    h.minute(3, 4, { cpu: 50, rps: 400 });
    for (let m = 4; m < 8; m++) h.minute(m, 4, busy);
    expect(h.acts()).toHaveLength(0);
    h.minute(8, 4, busy);
    expect(h.acts()).toHaveLength(1);
  });

  it('scaling: latency > 200 ms for 2 min and queue > 1000 for 1 min scale out proportionally, at least +1', () => {
    const lat = harness();
    lat.minute(0, 4, { latency_ms: 300, cpu: 85 });
    expect(lat.acts()).toHaveLength(0);
    lat.minute(1, 4, { latency_ms: 300, cpu: 85 });
    expect(lat.acts()[0].params).toEqual({ instances: 6, from: 4 }); // ceil(4 × 300/200)
    const q = harness();
    q.minute(0, 2, { queue_depth: 1100, cpu: 85 });
    expect(q.acts()[0].params).toEqual({ instances: 3, from: 2 }); // ceil(2 × 1.1) = 3
    const flood = harness();
    flood.minute(0, 2, { queue_depth: 50_000, cpu: 99 });
    expect(flood.acts()[0].params).toEqual({ instances: 6, from: 2 }); // capped at max(+100 %, +4)
  });

  it('scaling: latency or a queue with an idle CPU comes from a dependency: no scale-out, and the idle CPU may still scale in', () => {
    const h = harness();
    for (let m = 0; m < 10; m++) h.minute(m, 4, { latency_ms: 2000, queue_depth: 3000, cpu: 40, rps: 400 });
    // instances would not fix a slow partner, so its latency neither adds nor keeps them: 4 × 40 % fits in 3 under 70 %
    expect(h.acts().some((a) => a.type === 'scale-out')).toBe(false);
    expect(h.acts()[0]).toMatchObject({ type: 'scale-in', params: { instances: 3, from: 4 } });
  });

  it('scaling: a scale-in stops where latency growing with the load per instance would break the SLO', () => {
    const base = loadPolicy().scaling;
    const policy = { ...base, services: { api: { sloLatencyMs: 400 } } };
    // callees already spend 250 ms of a 400 ms promise: 2 × 30 % of CPU fits in 1 instance, the latency does not
    const slow = harness({ policy });
    for (let m = 0; m < 10; m++) slow.minute(m, 2, { latency_ms: 250, cpu: 30, rps: 100 });
    expect(slow.acts()).toHaveLength(0);
    const fast = harness({ policy });
    for (let m = 0; m < 10; m++) fast.minute(m, 2, { latency_ms: 150, cpu: 30, rps: 100 });
    expect(fast.acts()[0]).toMatchObject({ type: 'scale-in', params: { instances: 1, from: 2 } });
  });

  it('scaling: traffic from a few sources (an attack) is never scaled for', () => {
    const h = harness();
    for (let m = 0; m < 8; m++) h.minute(m, 4, { cpu: 99, latency_ms: 5000, rps: 9000, top_sources_share: 80 });
    expect(h.acts()).toHaveLength(0);
  });

  it('scaling: keeps the change when the metric improves, then respects the 900 s cooldown', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    const appliedAt = T0 + 5 * MIN + 1000;
    h.reply('applied', appliedAt);
    expect(h.state()).toBe('validating');
    for (let m = 5; m < 11; m++) h.minute(m, 6, { cpu: 60, rps: 400 });
    expect(h.notes()).toContain('validation-kept');
    expect(h.state()).toBe('cooldown');
    // overload again right away: held 5 min, but the cooldown (900 s after the change) holds it back
    for (let m = 11; m < 20; m++) h.minute(m, 6, busy);
    expect(h.acts()).toHaveLength(1);
    h.minute(20, 6, busy); // window ending at T0 + 21 min > appliedAt + 15 min
    expect(h.acts()).toHaveLength(2);
    expect(h.acts()[1]).toMatchObject({ actionId: 'scaling-api_a2', params: { instances: 8, from: 6 } });
  });

  it('scaling: a change that helped but left the metric over its threshold is followed up without the cooldown', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    h.reply('applied', T0 + 5 * MIN + 1000);
    for (let m = 5; m < 10; m++) h.minute(m, 6, { cpu: 80, rps: 400 }); // better (-11 %), still > 70
    expect(h.state()).toBe('validating');
    h.minute(10, 6, { cpu: 80, rps: 400 }); // validation ends; the trigger has held 5 min since the change
    expect(h.notes()).toContain('validation-kept');
    expect(h.acts()[1]).toMatchObject({ actionId: 'scaling-api_a2', params: { instances: 7, from: 6 } });
    const strict = harness({ policy: loadPolicy({ scaling: { validation: { followUpWhileBreaching: false } } }).scaling });
    for (let m = 0; m < 5; m++) strict.minute(m, 4, busy);
    strict.reply('applied', T0 + 5 * MIN + 1000);
    for (let m = 5; m < 12; m++) strict.minute(m, 6, { cpu: 80, rps: 400 });
    expect(strict.state()).toBe('cooldown');
    expect(strict.acts()).toHaveLength(1);
  });

  it('scaling: rolls back a change that did not improve the metric, with the compensating action', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    h.reply('applied', T0 + 5 * MIN + 1000);
    for (let m = 5; m < 11; m++) h.minute(m, 6, { cpu: 92, rps: 400 });
    expect(h.notes()).toContain('validation-rollback');
    expect(h.state()).toBe('rollingBack');
    expect(h.acts()[1]).toMatchObject({
      actionId: 'scaling-api_a1-undo', type: 'scale-in', params: { instances: 4, from: 6 }, compensates: 'scaling-api_a1',
    });
    h.reply('applied', T0 + 11 * MIN + 500);
    expect(h.state()).toBe('cooldown');
    expect(h.actor.getSnapshot().context.counters).toMatchObject({ changes: 1, rollbacks: 1 });
  });

  it('scaling: a scale-out whose queue did not drain is kept while the instances before could not carry the load', () => {
    const h = harness();
    h.minute(0, 4, { queue_depth: 3000, cpu: 90, rps: 400 });
    expect(h.acts()[0]).toMatchObject({ type: 'scale-out', params: { instances: 8, from: 4 } });
    h.reply('applied', T0 + MIN + 1000);
    // a saturated callee holds the queue up, but the 8 instances serve 700 rps at 85 %: the 4 before would run at 170 %
    for (let m = 1; m < 8; m++) h.minute(m, 8, { queue_depth: 6000, cpu: 85, rps: 700 });
    expect(h.notes()).toContain('validation-kept');
    expect(h.notes()).not.toContain('validation-rollback');
    expect(h.acts().map((a) => a.type)).not.toContain('scale-in');
  });

  it('scaling: a load that kept growing is judged per request, not rolled back', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    h.reply('applied', T0 + 5 * MIN + 1000);
    for (let m = 5; m < 11; m++) h.minute(m, 6, { cpu: 85, rps: 700 }); // more cpu, but far less per request
    expect(h.notes()).toContain('validation-kept');
  });

  it('scaling: ignores a result for another action id, resends the same id on timeout, then gives up', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    const at = T0 + 5 * MIN;
    h.actor.send({ type: 'RESULT', now: at + 10, result: result('scaling-api_a0', 'api', 'scale-out', 'applied', at) });
    expect(h.state()).toBe('acting');
    h.actor.send({ type: 'TICK', now: at + 120_000 });
    h.actor.send({ type: 'TICK', now: at + 240_000 });
    expect(h.acts().map((a) => a.actionId)).toEqual(['scaling-api_a1', 'scaling-api_a1', 'scaling-api_a1']);
    h.actor.send({ type: 'TICK', now: at + 360_000 });
    expect(h.state()).toBe('cooldown');
    expect(h.notes()).toContain('action-timeout');
  });

  it('scaling: scales in to the highest recommendation of the 300 s stabilisation window', () => {
    const h = harness();
    h.minute(0, 6, { cpu: 30, rps: 100 });
    for (let m = 1; m < 4; m++) h.minute(m, 6, { cpu: 20, rps: 100 });
    expect(h.acts()).toHaveLength(0); // low for 4 min only
    h.minute(4, 6, { cpu: 20, rps: 100 });
    // low for 300 s; recommendations ceil(6×30/70)=3 and ceil(6×20/70)=2 → the highest, 3
    expect(h.acts()[0]).toMatchObject({ type: 'scale-in', params: { instances: 3, from: 6 } });
  });
});

describe('scaling machine: judging a scale-in', () => {
  const scaledIn = (after: Record<string, number>) => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 2, { cpu: 30, latency_ms: 175, rps: 60 });
    expect(h.acts()[0]).toMatchObject({ type: 'scale-in', params: { instances: 1, from: 2 } });
    h.reply('applied', T0 + 5 * MIN + 100);
    for (let m = 5; m < 8; m++) h.minute(m, 1, after);
    return h;
  };

  it('scaling: a scale-in is judged as its triggers would fire: dependency latency with a calm CPU keeps it', () => {
    expect(scaledIn({ cpu: 62, latency_ms: 206, rps: 60 }).notes()).toContain('validation-kept');
  });

  it('scaling: a scale-in that overloads the CPU is rolled back', () => {
    const h = scaledIn({ cpu: 85, latency_ms: 260, rps: 60 });
    expect(h.notes()).toContain('validation-rollback');
    expect(h.acts()[1]).toMatchObject({ type: 'scale-out', params: { instances: 2, from: 1 } });
  });
});

describe('scaling machine: vertical, predictive, policy changes', () => {
  it('scaling: vertical and horizontal never both at once: one change, then the other after cooldown', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, { cpu: 90, memory: 90, rps: 400 });
    expect(h.acts()).toHaveLength(1);
    expect(h.acts()[0].type).toBe('scale-out');
    h.reply('applied', T0 + 5 * MIN + 1000);
    for (let m = 5; m < 20; m++) h.minute(m, 6, { cpu: 60, memory: 90, rps: 400 });
    expect(h.acts()).toHaveLength(1); // memory held 10 min, but the scale-out's cooldown is running
    h.minute(20, 6, { cpu: 60, memory: 90, rps: 400 });
    expect(h.acts()[1]).toMatchObject({ type: 'scale-up', params: { size: 1.5, from: 1 } });
  });

  /** an rps forecast: 400 now, 760 in 10 min (cpu 50 now → 95), saturating at 720 rps in 8 min */
  const forecast = (f: Partial<Forecast>): Forecast => ({
    service: 'api', metric: 'rps', method: 'holt', current: 400, horizonS: 600, predicted: 760, slopePerS: 0.6,
    saturation: 720, timeToSaturationS: 480, confidence: 0.9, ts: T0 + MIN, ...f,
  });

  /** minute 0 with rps still rising at the forecast's slope (cpu following) */
  const rising = (h: ReturnType<typeof harness>) => {
    const w = win('api', 0, 4, { cpu: 50, rps: 400 });
    w.metrics.rps.rate = 0.6;
    w.metrics.cpu.rate = 0.075;
    h.actor.send({ type: 'EVALUATE', now: w.end, window: w, policy: loadPolicy().scaling });
  };

  it('scaling: forecast-only mode records what it would do and does not act', () => {
    const h = harness({ forecastOnly: true });
    rising(h);
    h.actor.send({ type: 'FORECAST', now: T0 + MIN, forecast: forecast({}), policy: loadPolicy().scaling });
    h.actor.send({ type: 'FORECAST', now: T0 + MIN + 5, forecast: forecast({}), policy: loadPolicy().scaling });
    expect(h.acts()).toHaveLength(0);
    expect(h.notes()).toEqual(['forecast-only']); // once per target, not per forecast
    expect(h.state()).toBe('idle');
    expect(h.actor.getSnapshot().context.counters.forecastOnly).toBe(1);
  });

  it('scaling: pre-scales ahead of a forecast rps peak projected onto cpu; cpu forecasts only when the policy lists them', () => {
    const h = harness();
    rising(h);
    h.actor.send({ type: 'FORECAST', now: T0 + MIN, forecast: forecast({}), policy: loadPolicy().scaling });
    expect(h.acts()[0]).toMatchObject({ type: 'scale-out', params: { instances: 6, from: 4 } }); // cpu 50 × 760/400 = 95 → ceil(4 × 95/70)
    expect(h.acts()[0].reason).toMatch(/^predictive/);
    const cpuForecast = forecast({ metric: 'cpu', current: 50, predicted: 95, slopePerS: 0.075, saturation: 90 });
    const ignored = harness();
    rising(ignored);
    ignored.actor.send({ type: 'FORECAST', now: T0 + MIN, forecast: cpuForecast, policy: loadPolicy().scaling });
    expect(ignored.acts()).toHaveLength(0); // cpu follows our own scaling: by default only rps forecasts count
    const withCpu = loadPolicy({ scaling: { predictive: { metrics: ['cpu', 'rps'] } } }).scaling;
    const c = harness({ policy: withCpu });
    rising(c);
    c.actor.send({ type: 'FORECAST', now: T0 + MIN, forecast: cpuForecast, policy: withCpu });
    expect(c.acts()[0].params).toEqual({ instances: 6, from: 4 });
    const weak = harness();
    rising(weak);
    weak.actor.send({ type: 'FORECAST', now: T0 + MIN, forecast: forecast({ confidence: 0.2 }), policy: loadPolicy().scaling });
    expect(weak.acts()).toHaveLength(0);
  });

  it('scaling: a forecast pre-scales only when the capacity plan of the window sees the demand rising beyond its noise too', () => {
    /** five minutes at the given rps (cpu 65 % at 400 rps: 4 instances are what the HPA wants), the last one rising inside at the forecast's slope */
    const feed = (h: ReturnType<typeof harness>, rps: number[]) => rps.forEach((v, m) => {
      const w = win('api', m, 4, { cpu: (v / 400) * 65, rps: v });
      if (m === rps.length - 1) { w.metrics.rps.rate = 0.6; w.metrics.cpu.rate = 0.075; }
      h.evaluate(w);
    });
    const flat = harness();
    feed(flat, [400, 400, 400, 400, 400]);
    flat.actor.send({ type: 'FORECAST', now: T0 + 5 * MIN, forecast: forecast({ ts: T0 + 5 * MIN }), policy: loadPolicy().scaling });
    const outs = (h: ReturnType<typeof harness>) => h.acts().filter((a) => a.type === 'scale-out');
    expect(outs(flat)).toHaveLength(0); // the predictor's line saw a rise the plan's trend test does not
    const ramp = harness();
    feed(ramp, [300, 325, 350, 375, 400]);
    expect(outs(ramp)).toHaveLength(0); // the demand at the boot horizon is still far from the capacity in place
    ramp.actor.send({ type: 'FORECAST', now: T0 + 5 * MIN, forecast: forecast({ ts: T0 + 5 * MIN }), policy: loadPolicy().scaling });
    expect(outs(ramp)[0].reason).toMatch(/^predictive/);
    expect(flat.acts()).toHaveLength(0);
    expect(flat.state()).toBe('idle'); // not busy with another change: the forecast was heard and refused
  });

  it('scaling: a forecast whose trend the latest window no longer shows (a step already taken) does not pre-scale', () => {
    const h = harness();
    h.minute(0, 4, { cpu: 50, rps: 400 }); // flat: rate 0
    h.actor.send({ type: 'FORECAST', now: T0 + MIN, forecast: forecast({}), policy: loadPolicy().scaling });
    expect(h.acts()).toHaveLength(0);
  });

  it('scaling: a changed threshold takes effect on the next evaluation', () => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.minute(m, 4, busy);
    const raised = loadPolicy({ scaling: { triggers: { cpu_high: { threshold: 95 } } } }).scaling;
    h.setPolicy(raised);
    for (let m = 3; m < 10; m++) h.minute(m, 4, busy);
    expect(h.acts()).toHaveLength(0);
    expect(h.state()).toBe('idle');
  });

  it('scaling: a dry-run result changes nothing and waits for the cooldown', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    h.reply('dry-run', T0 + 5 * MIN + 10);
    expect(h.state()).toBe('cooldown');
    expect(h.actor.getSnapshot().context.change).toBeNull();
  });

  it('scaling: during a hold (a remediation runs on the service) an overload still scales out', () => {
    const h = harness();
    for (let m = 0; m < 8; m++) {
      const w = win('api', m, 4, busy);
      h.actor.send({ type: 'EVALUATE', now: w.end, window: w, policy: loadPolicy().scaling, hold: true });
    }
    expect(h.acts().length).toBeGreaterThan(0);
    expect(new Set(h.acts().map((a) => a.type))).toEqual(new Set(['scale-out']));
  });

  it('scaling: RESUME re-publishes the in-flight action with the same id and re-arms its deadline', () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.minute(m, 4, busy);
    const later = T0 + 30 * MIN;
    h.actor.send({ type: 'RESUME', now: later });
    h.actor.send({ type: 'TICK', now: later + 1000 });
    expect(h.acts().map((a) => [a.actionId, a.deadline])).toEqual([
      ['scaling-api_a1', T0 + 5 * MIN + 120_000], ['scaling-api_a1', later + 120_000],
    ]);
    expect(h.state()).toBe('acting');
  });
});
