import { describe, expect, it } from 'vitest';
import { MIN, T0, drive, incident } from './harness.js';

/** An incident whose fault comes back, or that has more than one cause: what runs after the first fix. */
describe('orchestrator brain: relapses and further causes', () => {
  it('brain: a fix whose fault comes back within the same incident runs again (a leak refilling memory after its restart)', () => {
    const d = drive();
    const leak = incident('inc-1', 'memory-leak', { service: 'db', rootCause: { service: 'db', metric: 'memory', reason: 'rising' } });
    d.minute('db', 0, 3, { memory: 90, rps: 300 });
    d.incidentEpoch({ ...leak, ts: T0 + MIN }, T0 + MIN);
    expect(d.actions().map((a) => a.type)).toEqual(['restart']);
    d.reply(d.actions().at(-1)!, 'applied', T0 + MIN + 1000);
    // the restart's check (memory under 80 over 5 minutes) passes, and the incident stays open: its alerts still flap
    for (let m = 1; m < 8; m++) { d.minute('db', m, 3, { memory: 45 + 3 * m, rps: 300 }); d.take(d.brain.advance(T0 + (m + 1) * MIN)); }
    expect(d.brain.incidents()[0].remediation[0].outcome?.status).toBe('done');
    for (let m = 8; m < 14; m++) { d.minute('db', m, 3, { memory: 45 + 3 * m, rps: 300 }); d.take(d.brain.advance(T0 + (m + 1) * MIN)); }
    // memory over 80 again (minute 12) with no new incident update: the same fix once more
    expect(d.actions().map((a) => [a.type, a.runId])).toEqual([['restart', 'rem-inc-1-1'], ['restart', 'rem-inc-1-2']]);
  });

  it('brain: a relapse whose fix cannot run again (no lock wait left to kill) goes to the next located cause (slow queries filling the pool)', () => {
    const d = drive();
    const hypotheses = [
      { cause: 'blocking-queries' as const, holds: true, for: ['db: queries wait on locks'], against: [], at: 'db' },
      { cause: 'pool-saturation' as const, holds: true, for: ['db: connection pool at 100 %'], against: [], at: 'db' },
    ];
    const locks = (ts: number) => incident('inc-1', 'blocking-queries', { rootCause: { service: 'db', metric: 'db_latency_ms', reason: 'x' }, hypotheses, ts });
    d.minute('db', 0, 2, { db_latency_ms: 2000, db_lock_wait_ms: 1800, db_pool_usage: 100, rps: 300 });
    d.incidentEpoch(locks(T0 + MIN), T0 + MIN);
    expect(d.actions().map((a) => a.type)).toEqual(['kill-blocking-queries']);
    d.reply(d.actions()[0], 'applied', T0 + MIN + 1000);
    // the kill's check (db latency under 100 over 5 minutes) passes
    for (let m = 1; m < 8; m++) { d.minute('db', m, 2, { db_latency_ms: 20, db_lock_wait_ms: 0, db_pool_usage: 40, rps: 300 }); d.take(d.brain.advance(T0 + (m + 1) * MIN)); }
    expect(d.brain.incidents()[0].remediation[0].outcome?.status).toBe('done');
    // slow queries now: db latency back up, the pool full, no lock wait; the incident goes on
    d.minute('db', 8, 2, { db_latency_ms: 1500, db_lock_wait_ms: 0, db_pool_usage: 100, rps: 300 });
    d.incidentEpoch(locks(T0 + 9 * MIN), T0 + 9 * MIN);
    expect(d.actions().filter((a) => !a.type.startsWith('scale')).map((a) => `${a.type} ${a.service}`)).toEqual(['kill-blocking-queries db', 'pool-resize db']);
  });

  it('brain: latency back over the SLO after a breaker\'s fix, with no new diagnosis, does not re-run the fix: any fault raises latency', () => {
    const d = drive();
    const slow = incident('inc-1', 'cascade', { rootCause: { service: 'db', metric: 'latency_ms', reason: 'upstream' } });
    d.minute('db', 0, 3, { latency_ms: 900, cpu: 40, rps: 300 });
    d.incidentEpoch({ ...slow, ts: T0 + MIN }, T0 + MIN);
    expect(d.actions().map((a) => a.type)).toEqual(['circuit-breaker']);
    d.reply(d.actions()[0], 'applied', T0 + MIN + 1000);
    for (let m = 1; m < 8; m++) { d.minute('db', m, 3, { latency_ms: 50, cpu: 40, rps: 300 }); d.take(d.brain.advance(T0 + (m + 1) * MIN)); }
    expect(d.brain.incidents()[0].remediation[0].outcome?.status).toBe('done');
    for (let m = 8; m < 14; m++) { d.minute('db', m, 3, { latency_ms: 900, cpu: 40, rps: 300 }); d.take(d.brain.advance(T0 + (m + 1) * MIN)); }
    expect(d.actions().filter((a) => !a.type.startsWith('scale')).map((a) => a.type)).toEqual(['circuit-breaker']); // the correlator's next update will say what this is
  });

  it('brain: once the leading cause is fixed and the incident goes on, its next located cause gets its own reversible fix (an attack, then the pool it filled)', () => {
    const d = drive();
    const hypotheses = [
      { cause: 'ddos' as const, holds: true, for: ['api: 80 % from heavy sources'], against: [], at: 'api' },
      { cause: 'deploy-regression' as const, holds: true, for: ['db: error_rate alert 60 s after a deploy'], against: ['no canary comparison (the release reached every instance at once): timing only'], at: 'db' },
      { cause: 'pool-saturation' as const, holds: true, for: ['db: connection pool at 100 %'], against: [], at: 'db' },
    ];
    const attack = (ts: number) => incident('inc-1', 'ddos', { service: 'api', rootCause: { service: 'api', metric: 'rps', reason: 'x' }, hypotheses, ts });
    d.minute('api', 0, 3, { heavy_sources_share: 80, rps: 3000 });
    d.incidentEpoch(attack(T0 + MIN), T0 + MIN);
    d.reply(d.actions()[0], 'applied', T0 + MIN + 1000);
    d.reply(d.actions()[1], 'applied', T0 + MIN + 2000);
    expect(d.actions().map((a) => a.type)).toEqual(['rate-limit', 'block-ips']);
    for (let m = 1; m < 8; m++) {
      d.minute('api', m, 3, { heavy_sources_share: 5, rps: 600 });
      d.minute('db', m, 2, { db_pool_usage: 100, rps: 600 });
      d.take(d.brain.advance(T0 + (m + 1) * MIN));
    }
    expect(d.brain.incidents()[0].remediation[0].outcome?.status).toBe('done');
    d.incidentEpoch(attack(T0 + 9 * MIN), T0 + 9 * MIN); // the incident goes on
    const fixes = d.actions().filter((a) => !a.type.startsWith('scale'));
    // the pool is resized; a release is never rolled back on a second, less certain cause (no undo)
    expect(fixes.map((a) => `${a.type} ${a.service}`)).toEqual(['rate-limit api', 'block-ips api', 'pool-resize db']);
  });

  it('brain: a second cause with nothing against it gets its entry even when it cannot be undone (a release the canary showed failing, under an attack)', () => {
    const d = drive();
    const hypotheses = [
      { cause: 'ddos' as const, holds: true, for: ['api: 80 % from heavy sources'], against: [], at: 'api' },
      { cause: 'deploy-regression' as const, holds: true, for: ['db: error_rate alert 40 s after a deploy', 'while both served, the new version failed 24.52 % of requests, the previous one 0.00 %'], against: [], at: 'db' },
    ];
    const attack = (ts: number) => incident('inc-1', 'ddos', { service: 'api', rootCause: { service: 'api', metric: 'rps', reason: 'x' }, hypotheses, ts });
    d.minute('api', 0, 3, { heavy_sources_share: 80, rps: 3000 });
    d.incidentEpoch(attack(T0 + MIN), T0 + MIN);
    d.reply(d.actions()[0], 'applied', T0 + MIN + 1000);
    d.reply(d.actions()[1], 'applied', T0 + MIN + 2000);
    for (let m = 1; m < 8; m++) {
      d.minute('api', m, 3, { heavy_sources_share: 5, rps: 600 });
      d.minute('db', m, 2, { error_rate: 24, rps: 600 });
      d.take(d.brain.advance(T0 + (m + 1) * MIN));
    }
    d.incidentEpoch(attack(T0 + 9 * MIN), T0 + 9 * MIN);
    expect(d.actions().filter((a) => !a.type.startsWith('scale')).map((a) => `${a.type} ${a.service}`)).toEqual(['rate-limit api', 'block-ips api', 'rollback-deploy db']);
  });

  it('brain: a leading cause with nothing to try leaves the incident to its next located cause (a surge into a pool that is full)', () => {
    const d = drive();
    const hypotheses = [
      { cause: 'pool-saturation' as const, holds: true, for: ['db: connection pool at 100 %', 'cpu not alerting'], against: [], at: 'db' },
    ];
    d.minute('db', 0, 2, { db_pool_usage: 100, rps: 900 });
    d.incidentEpoch(incident('inc-1', 'traffic-surge', { service: 'api', rootCause: { service: 'api', metric: 'latency_ms', reason: 'x' }, hypotheses, ts: T0 + MIN }), T0 + MIN);
    expect(d.actions().map((a) => `${a.type} ${a.service}`)).toEqual(['pool-resize db']);
  });
});
