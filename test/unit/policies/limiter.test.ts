import { describe, expect, it } from 'vitest';
import { emptyLimiter, forgetIncident, giveBack, tryAcquire } from '../../../policies/limiter.js';

const limits = { maxAttemptsPerIncident: 2, maxPerServicePerHour: 3 };
const H = 3_600_000;

describe('limiter: remediation attempts', () => {
  it('limiter: at most N attempts per incident', () => {
    let s = emptyLimiter();
    for (let i = 0; i < 2; i++) {
      const r = tryAcquire(s, { incidentId: 'i1', service: 'api', now: i }, limits);
      expect(r.ok).toBe(true);
      s = r.state;
    }
    const refused = tryAcquire(s, { incidentId: 'i1', service: 'api', now: 10 }, limits);
    expect(refused).toMatchObject({ ok: false, reason: 'incident i1: 2 attempt(s), limit 2' });
  });

  it('limiter: each cause of an incident has its own N attempts; forgetting the incident forgets them all', () => {
    let s = emptyLimiter();
    for (let i = 0; i < 2; i++) s = tryAcquire(s, { incidentId: 'i1', cause: 'ddos@edge', service: 'edge', now: i }, limits).state;
    expect(tryAcquire(s, { incidentId: 'i1', cause: 'ddos@edge', service: 'edge', now: 10 }, limits))
      .toMatchObject({ ok: false, reason: 'incident i1 (ddos@edge): 2 attempt(s), limit 2' });
    const next = tryAcquire(s, { incidentId: 'i1', cause: 'node-degradation@feed', service: 'feed', now: 10 }, limits);
    expect(next.ok).toBe(true);
    expect(forgetIncident(next.state, 'i1').perIncident).toEqual({});
  });

  it('limiter: a fix that worked gives its attempt back; the hourly limit per service still bounds it', () => {
    let s = emptyLimiter();
    const req = { incidentId: 'i1', cause: 'memory-leak@api', service: 'api' };
    for (const now of [0, 1000]) s = tryAcquire(s, { ...req, now }, limits).state;
    expect(tryAcquire(s, { ...req, now: 2000 }, limits).ok).toBe(false);
    s = giveBack(s, req);
    const third = tryAcquire(s, { ...req, now: 2000 }, limits);
    expect(third.ok).toBe(true);
    s = giveBack(giveBack(third.state, req), req);
    expect(tryAcquire(s, { ...req, now: 3000 }, limits)).toMatchObject({ ok: false, reason: 'service api: 3 attempt(s) in the last hour, limit 3' });
    expect(giveBack(emptyLimiter(), req)).toEqual(emptyLimiter());
  });

  it('limiter: at most M attempts per service per hour, across incidents, sliding', () => {
    let s = emptyLimiter();
    for (const [i, now] of [[1, 0], [2, 1000], [3, 2000]] as const) s = tryAcquire(s, { incidentId: `i${i}`, service: 'api', now }, limits).state;
    expect(tryAcquire(s, { incidentId: 'i4', service: 'api', now: 3000 }, limits).ok).toBe(false);
    expect(tryAcquire(s, { incidentId: 'i4', service: 'web', now: 3000 }, limits).ok).toBe(true);
    expect(tryAcquire(s, { incidentId: 'i4', service: 'api', now: H + 1 }, limits).ok).toBe(true);
  });

  it('limiter: is pure: refusing or acquiring never mutates the given state', () => {
    const s = tryAcquire(emptyLimiter(), { incidentId: 'i1', service: 'api', now: 0 }, limits).state;
    const copy = structuredClone(s);
    tryAcquire(s, { incidentId: 'i1', service: 'api', now: 1 }, limits);
    expect(s).toEqual(copy);
    expect(forgetIncident(s, 'i1').perIncident).toEqual({});
    expect(s.perIncident).toEqual({ i1: 1 });
  });
});
