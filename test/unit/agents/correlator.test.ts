import { describe, expect, it } from 'vitest';
import { Correlator, type CatalogSnapshot } from '../../../agents/intermediate/correlator/brain.js';
import type { AggWindow, Alert, Incident, MetricWindow } from '../../../runtime/contracts/index.js';

const T0 = 1_700_000_100_000;
const S = 1000;

function catalog(entries: Record<string, { dependsOn?: string[]; tier?: string }>): CatalogSnapshot {
  return {
    topology: (s) => (entries[s] ? { dependsOn: entries[s].dependsOn ?? [], tier: entries[s].tier ?? 'app' } : undefined),
    services: Object.keys(entries),
  };
}

const chain = catalog({ gateway: { dependsOn: ['api'] }, api: { dependsOn: ['db'] }, db: { tier: 'database' }, billing: {} });

function alert(service: string, metric: string, ts: number, level: Alert['level'] = 'red', instance = 'i1'): Alert {
  return { id: `${service}-${instance}-${metric}-${ts}`, service, instance, metric, level, rule: 'threshold', value: 1, threshold: 1, since: ts, ts };
}

function stat(mean: number, extra: Partial<MetricWindow> = {}): MetricWindow {
  return { count: 6, mean, min: mean, max: mean, p50: mean, p90: mean, p99: mean, last: mean, rate: 0, ...extra };
}

function window(service: string, minute: number, metrics: Record<string, MetricWindow>): AggWindow {
  const start = T0 + minute * 60 * S;
  return { service, windowS: 60, start, end: start + 60 * S, instances: 2, metrics, confirmedAlerts: [] };
}

describe('correlator', () => {
  it('correlator: a cascade db -> api -> gateway gives one incident with root cause db and pattern cascade', () => {
    const c = new Correlator();
    const published = [
      ...c.alert(alert('gateway', 'latency_ms', T0), chain),
      ...c.alert(alert('api', 'latency_ms', T0 + 20 * S), chain),
      ...c.alert(alert('db', 'cpu', T0 + 40 * S), chain),
    ];
    expect(new Set(published.map((i) => i.id))).toEqual(new Set([`inc-gateway-${T0}`]));
    const last = published.at(-1)!;
    expect(last.rootCause.service).toBe('db');
    expect(last.service).toBe('db');
    expect(last.pattern).toBe('cascade');
    expect(last.services).toEqual(['db', 'api', 'gateway']);
    expect(last.candidates[0]).toMatchObject({ service: 'db' });
    expect(last.confidence).toBeGreaterThan(0.5);
    expect(last.confidence).toBeLessThanOrEqual(1);
  });

  it('correlator: a slow dependency alone is a dependency timeout, then a cascade once its callers alert', () => {
    const c = new Correlator();
    expect(c.alert(alert('db', 'latency_ms', T0), chain)[0].pattern).toBe('dependency-timeout');
    const [next] = c.alert(alert('api', 'latency_ms', T0 + 30 * S), chain);
    expect(next).toMatchObject({ pattern: 'cascade', service: 'db', id: `inc-db-${T0}` });
  });

  it('correlator: a repeated alert for the same series is de-duplicated and publishes nothing', () => {
    const c = new Correlator();
    expect(c.alert(alert('db', 'cpu', T0), chain)).toHaveLength(1);
    expect(c.alert(alert('db', 'cpu', T0 + 10 * S), chain)).toEqual([]);
    expect((c.state() as { counts: { opened: number; duplicates: number } }).counts).toMatchObject({ opened: 1, duplicates: 1 });
  });

  it('correlator: services on no common dependency chain get separate incidents', () => {
    const c = new Correlator();
    const a = c.alert(alert('api', 'cpu', T0), chain);
    const b = c.alert(alert('billing', 'cpu', T0 + S), chain);
    expect(a[0].id).not.toBe(b[0].id);
    expect(b[0].pattern).toBe('single');
  });

  it('correlator: recognises a pool saturation while cpu is not alerting', () => {
    const c = new Correlator();
    c.window(window('api', 0, { db_pool_usage: stat(97), cpu: stat(35) }), T0 + 60 * S, chain);
    const [inc] = c.alert(alert('api', 'latency_ms', T0 + 70 * S), chain);
    expect(inc.pattern).toBe('pool-saturation');
    expect(inc.revision).toBe(1);
    const c2 = new Correlator();
    c2.alert(alert('api', 'cpu', T0), chain);
    expect(c2.alert(alert('api', 'db_pool_usage', T0 + S), chain)).toEqual([
      expect.objectContaining({ pattern: 'single' }),
    ]);
  });

  it('correlator: resolves an incident once no alert has been active for the quiet period', () => {
    const c = new Correlator({ quietS: 180 });
    const [opened] = c.alert(alert('api', 'cpu', T0), chain);
    expect(c.alert(alert('api', 'cpu', T0 + 60 * S, 'clear'), chain)).toEqual([]);
    expect(c.advance(T0 + 239 * S)).toEqual([]);
    const [resolved] = c.advance(T0 + 240 * S);
    expect(resolved).toMatchObject({ id: opened.id, status: 'resolved', ts: T0 + 240 * S, openedAt: T0, revision: opened.revision + 1 });
    expect(c.advance(T0 + 300 * S)).toEqual([]);
    expect(c.alert(alert('api', 'cpu', T0 + 400 * S), chain)[0].id).toBe(`inc-api-${T0 + 400 * S}`);
  });

  it('correlator: a statistical alert clearing does not end a threshold alert on the same series', () => {
    const c = new Correlator();
    c.alert(alert('api', 'cpu', T0), chain);
    c.alert({ ...alert('api', 'cpu', T0 + S, 'yellow'), rule: 'zscore' }, chain);
    c.alert({ ...alert('api', 'cpu', T0 + 2 * S, 'clear'), rule: 'zscore' }, chain);
    expect(c.advance(T0 + 3600 * S)).toEqual([]);
  });

  it('correlator: an alert still active keeps the incident open', () => {
    const c = new Correlator();
    c.alert(alert('api', 'cpu', T0, 'red', 'i1'), chain);
    c.alert(alert('api', 'cpu', T0 + S, 'red', 'i2'), chain);
    c.alert(alert('api', 'cpu', T0 + 2 * S, 'clear', 'i1'), chain);
    expect(c.advance(T0 + 3600 * S)).toEqual([]);
  });

  it('correlator: an error_rate alert soon after a deploy_version change is a deploy regression', () => {
    const c = new Correlator();
    c.window(window('api', 0, { deploy_version: stat(1) }), T0 + 60 * S, chain);
    c.window(window('api', 1, { deploy_version: stat(1.5, { min: 1, max: 2, last: 2 }) }), T0 + 120 * S, chain);
    const [inc] = c.alert(alert('api', 'error_rate', T0 + 150 * S), chain);
    expect(inc.pattern).toBe('deploy-regression');
  });

  it('correlator: raises no alert of its own from windows: errors after a deploy are the detector\'s deploy check', () => {
    const c = new Correlator();
    c.window(window('api', 0, { deploy_version: stat(1), error_rate: stat(0) }), T0 + 60 * S, chain);
    expect(c.window(window('api', 1, { deploy_version: stat(1.8, { min: 1, max: 2, last: 2 }), error_rate: stat(10) }), T0 + 120 * S, chain)).toEqual([]);
    expect((c.state() as { counts: { opened: number } }).counts.opened).toBe(0);
  });

  it('correlator: a deploy-check alert newer than the window holding its deploy waits for that window: a deploy regression, never data corruption', () => {
    const healthy = { error_rate: stat(0.1), latency_ms: stat(50), cpu: stat(20) };
    const c = new Correlator();
    c.window(window('api', 0, { ...healthy, deploy_version: stat(1) }), T0 + 60 * S, chain);
    // v2 deployed at 65 s fails at once: the detector raises at 70 s, before the window [60 s, 120 s) closes
    const check: Alert = { ...alert('api', 'error_rate', T0 + 70 * S, 'red', 'all'), rule: 'deploy-check', value: 8, since: T0 + 65 * S };
    expect(c.alert(check, chain)).toEqual([]);
    const [inc] = c.window(window('api', 1, { ...healthy, error_rate: stat(8), deploy_version: stat(1.9, { min: 1, max: 2, last: 2 }) }), T0 + 120 * S, chain);
    expect(inc).toMatchObject({ pattern: 'deploy-regression', service: 'api', rootCause: { service: 'api', metric: 'error_rate' } });
    c.alert({ ...check, level: 'clear', ts: T0 + 200 * S }, chain);
    expect(c.advance(T0 + 400 * S, chain)).toEqual([expect.objectContaining({ id: inc.id, status: 'resolved' })]);
  });

  it('correlator: the wait for evidence is bounded: with no window for two window lengths the incident is published as it stands', () => {
    const c = new Correlator();
    c.window(window('api', 0, { error_rate: stat(0.1), latency_ms: stat(50), deploy_version: stat(1) }), T0 + 60 * S, chain);
    expect(c.alert({ ...alert('api', 'error_rate', T0 + 70 * S), rule: 'deploy-check', value: 8 }, chain)).toEqual([]);
    expect(c.advance(T0 + 150 * S, chain)).toEqual([]);
    expect(c.advance(T0 + 180 * S, chain)).toEqual([expect.objectContaining({ status: 'open', pattern: 'data-corruption', service: 'api' })]);
  });

  it('correlator: a rollback in a later window is not the release judged: the canary evidence stays', () => {
    const c = new Correlator();
    c.window(window('api', 0, { deploy_version: stat(1) }), T0 + 60 * S, chain);
    c.window(window('api', 1, { deploy_version: stat(1.5, { min: 1, max: 2, last: 2 }), error_rate_new_version: stat(20), error_rate_old_version: stat(0) }), T0 + 120 * S, chain);
    const [inc] = c.alert({ ...alert('api', 'error_rate', T0 + 110 * S), rule: 'deploy-check' }, chain);
    expect(inc.pattern).toBe('deploy-regression');
    // the rollback (v2 -> v1, a lower number: min moves off the last version too) at 150 s, inside the window [120 s, 180 s)
    c.window(window('api', 2, { deploy_version: stat(1.5, { min: 1, max: 2, last: 1 }), error_rate: stat(3) }), T0 + 180 * S, chain);
    const judged = (c.state() as { open: Incident[] }).open[0].hypotheses?.find((h) => h.cause === 'deploy-regression');
    expect(judged?.for.join(' ')).toMatch(/new version failed 20.00 %/);
  });

  it('correlator: timing alone blames no return to a version that served within its SLO (a rollback)', () => {
    const c = new Correlator();
    c.window(window('api', 0, { deploy_version: stat(1), error_rate: stat(0.1) }), T0 + 60 * S, chain); // v1 serves well
    c.window(window('api', 1, { deploy_version: stat(1.5, { min: 1, max: 2, last: 2 }), error_rate: stat(5) }), T0 + 120 * S, chain); // v2 at once, failing
    c.window(window('api', 2, { deploy_version: stat(1.5, { min: 1, max: 2, last: 1 }), error_rate: stat(3) }), T0 + 180 * S, chain); // rolled back to v1
    c.window(window('api', 3, { deploy_version: stat(1), error_rate: stat(0.1) }), T0 + 240 * S, chain);
    const [inc] = c.alert({ ...alert('api', 'error_rate', T0 + 235 * S), rule: 'deploy-check' }, chain); // data goes bad 55 s after the rollback
    expect(inc.pattern).not.toBe('deploy-regression');
    expect(inc.hypotheses?.find((h) => h.cause === 'deploy-regression')).toMatchObject({ holds: false, against: [expect.stringMatching(/returned to a version that served within its SLO before/)] });
  });

  it('correlator: errors newer than their service\'s last window wait for the window holding their onset before they are called data corruption', () => {
    // a fan: ten callers of one database; a burst fills its pool for half a minute and the callers
    // fail with it (latency over their SLO); the window before says nothing of that
    const fan = (s: string) => (s === 'db' ? { dependsOn: [], tier: 'database' } : { dependsOn: ['db'], tier: 'app', sloLatencyMs: 300, sloErrorRate: 1 });
    const topo: CatalogSnapshot = { topology: fan, services: ['api', 'db'] };
    const healthy = { error_rate: stat(0), latency_ms: stat(70), cpu: stat(40) };
    const verdict = (next: Record<string, MetricWindow>) => {
      const c = new Correlator();
      c.window(window('api', 0, healthy), T0 + 60 * S, topo);
      expect(c.alert({ ...alert('api', 'error_rate', T0 + 70 * S, 'yellow', 'all'), rule: 'auto', value: 1.3 }, topo)).toEqual([]);
      return c.window(window('api', 1, next), T0 + 120 * S, topo)[0];
    };
    const burst = verdict({ error_rate: stat(0.4, { last: 0 }), latency_ms: stat(1100, { p90: 3000 }), cpu: stat(50) });
    expect(burst.pattern).not.toBe('data-corruption');
    expect(burst.hypotheses?.find((h) => h.cause === 'data-corruption')?.holds).toBe(false);
    // corrupt data: the errors stay, latency stays within the SLO
    expect(verdict({ error_rate: stat(8), latency_ms: stat(70), cpu: stat(40) })).toMatchObject({ pattern: 'data-corruption', service: 'api' });
  });

  it('correlator: timing alone blames no release whose errors come from a failing dependency', () => {
    const c = new Correlator();
    // api redeployed at once (no canary) at 60-120 s; db fails from 400 s, and api's errors with it
    c.window(window('api', 0, { deploy_version: stat(1) }), T0 + 60 * S, chain);
    c.window(window('api', 1, { deploy_version: stat(1.5, { min: 1, max: 2, last: 2 }) }), T0 + 120 * S, chain);
    c.alert(alert('db', 'error_rate', T0 + 400 * S), chain);
    const [inc] = c.alert({ ...alert('api', 'error_rate', T0 + 400 * S), rule: 'deploy-check' }, chain);
    expect(inc.pattern).not.toBe('deploy-regression');
    expect(inc.hypotheses?.find((h) => h.cause === 'deploy-regression')).toMatchObject({ holds: false, against: [expect.stringMatching(/^db, a dependency of api/)] });
    // the same errors without the dependency failing: timing decides
    const alone = new Correlator();
    alone.window(window('api', 0, { deploy_version: stat(1) }), T0 + 60 * S, chain);
    alone.window(window('api', 1, { deploy_version: stat(1.5, { min: 1, max: 2, last: 2 }) }), T0 + 120 * S, chain);
    expect(alone.alert({ ...alert('api', 'error_rate', T0 + 400 * S), rule: 'deploy-check' }, chain)[0].pattern).toBe('deploy-regression');
  });

  it('correlator: an rps surge is a ddos when few sources dominate, a traffic surge otherwise', () => {
    for (const [share, expected] of [[80, 'ddos'], [12, 'traffic-surge']] as const) {
      const c = new Correlator();
      for (let m = 0; m < 5; m++) c.window(window('gateway', m, { rps: stat(100), top_sources_share: stat(10) }), T0 + (m + 1) * 60 * S, chain);
      c.alert(alert('gateway', 'latency_ms', T0 + 310 * S), chain);
      const [inc] = c.window(window('gateway', 5, { rps: stat(450), top_sources_share: stat(share) }), T0 + 360 * S, chain);
      expect(inc.pattern).toBe(expected);
    }
  });

  it('correlator: a cause that begins under another shows in the hypotheses, published on its own window; the pattern stays the first', () => {
    const c = new Correlator();
    const edge = catalog({ gateway: { dependsOn: ['api'] }, api: {} });
    for (let m = 0; m < 5; m++) c.window(window('gateway', m, { rps: stat(100), top_sources_share: stat(10) }), T0 + (m + 1) * 60 * S, edge);
    c.alert(alert('gateway', 'latency_ms', T0 + 310 * S), edge);
    c.window(window('gateway', 5, { rps: stat(450), top_sources_share: stat(80) }), T0 + 360 * S, edge);
    c.window(window('api', 5, { latency_ms: stat(900), net_latency_ms: stat(1) }), T0 + 360 * S, edge);
    const [joined] = c.alert(alert('api', 'latency_ms', T0 + 370 * S), edge);
    expect(joined.hypotheses?.find((h) => h.cause === 'node-degradation')?.holds).toBe(false);
    // the attack is blocked; a minute later the api's nodes are slow: no new alert, the window says it
    const [update] = c.window(window('api', 6, { latency_ms: stat(1500), net_latency_ms: stat(1400) }), T0 + 420 * S, edge);
    expect(update.pattern).toBe('ddos');
    expect(update.hypotheses?.find((h) => h.cause === 'node-degradation')).toMatchObject({ holds: true, at: 'api' });
  });

  it('correlator: a node degrades when its network adds a share of the latency; a fast database on a healthy network is not degraded', () => {
    const nodes = catalog({ api: { dependsOn: ['db'] }, db: { tier: 'database' } });
    const verdict = (net: number, latency: number) => {
      const c = new Correlator();
      for (let m = 0; m < 3; m++) c.window(window('db', m, { latency_ms: stat(4), net_latency_ms: stat(1) }), T0 + (m + 1) * 60 * S, nodes);
      c.window(window('db', 3, { latency_ms: stat(latency), net_latency_ms: stat(net) }), T0 + 240 * S, nodes);
      const [inc] = c.alert(alert('db', 'latency_ms', T0 + 250 * S), nodes);
      return inc.hypotheses?.find((h) => h.cause === 'node-degradation')?.holds;
    };
    expect(verdict(1, 4)).toBe(false); // 1 ms of 4 ms, as always
    expect(verdict(800, 1000)).toBe(true);
  });

  it('correlator: a surge entering at a caller that does not alert still names the incident of its callee', () => {
    const c = new Correlator();
    for (let m = 0; m < 5; m++) c.window(window('gateway', m, { rps: stat(100), top_sources_share: stat(10) }), T0 + (m + 1) * 60 * S, chain);
    c.window(window('gateway', 5, { rps: stat(400), top_sources_share: stat(9) }), T0 + 360 * S, chain);
    expect(c.alert(alert('db', 'cpu', T0 + 370 * S), chain)[0].pattern).toBe('traffic-surge');
  });

  it('correlator: memory alerting and rising steadily is a memory leak', () => {
    const c = new Correlator();
    [60, 66, 71, 77, 84].forEach((v, m) => c.window(window('api', m, { memory: stat(v) }), T0 + (m + 1) * 60 * S, chain));
    expect(c.alert(alert('api', 'memory', T0 + 300 * S), chain)[0].pattern).toBe('memory-leak');
  });

  it('correlator: a leak at a service the incident did not start from is located there, so its restart goes there', () => {
    const c = new Correlator();
    c.alert(alert('db', 'latency_ms', T0), chain);
    [60, 66, 71, 77, 84].forEach((v, m) => c.window(window('api', m, { memory: stat(v) }), T0 + (m + 1) * 60 * S, chain));
    const [inc] = c.alert(alert('api', 'memory', T0 + 300 * S), chain);
    expect(inc.id).toBe(`inc-db-${T0}`);
    expect(inc.hypotheses?.find((h) => h.cause === 'memory-leak')).toMatchObject({ holds: true, at: 'api' });
  });

  it('correlator: an external dependency alerting is a dependency timeout, even with its callers alerting', () => {
    const topo = catalog({ payments: { dependsOn: ['partner'] }, partner: { tier: 'external' } });
    const c = new Correlator();
    c.alert(alert('payments', 'latency_ms', T0), topo);
    const [inc] = c.alert(alert('partner', 'latency_ms', T0 + 5 * S), topo);
    expect(inc).toMatchObject({ pattern: 'dependency-timeout', service: 'partner' });
  });

  it('correlator: a partner of a caller anywhere in the incident is located as a dependency timeout, not only under the ranked root', () => {
    const topo = catalog({ edge: { dependsOn: ['api'] }, api: { dependsOn: ['deep', 'partner'] }, deep: {}, partner: { tier: 'partner' } });
    const c = new Correlator();
    c.alert(alert('edge', 'latency_ms', T0), topo);
    c.alert(alert('deep', 'cpu', T0 + 5 * S), topo); // a deep service alerting on its own leads the chain
    const [inc] = c.alert(alert('partner', 'latency_ms', T0 + 600 * S), topo);
    expect(inc.hypotheses?.find((h) => h.cause === 'dependency-timeout')).toMatchObject({ holds: true, at: 'partner' });
  });

  it('correlator: a corruption that began after another cause opened the incident is located at its service, on errors still there', () => {
    const topo = catalog({ edge: { dependsOn: ['api'] }, api: { dependsOn: ['db'] }, db: { tier: 'database' } });
    const verdict = (apiErrors: number) => {
      const c = new Correlator();
      c.alert(alert('db', 'db_latency_ms', T0), topo);
      c.window(window('api', 0, { error_rate: stat(0), latency_ms: stat(80), cpu: stat(40), rps: stat(100) }), T0 + 60 * S, topo);
      c.alert(alert('api', 'error_rate', T0 + 70 * S), topo);
      const [inc] = c.window(window('api', 1, { error_rate: stat(apiErrors), latency_ms: stat(80), cpu: stat(40), rps: stat(100) }), T0 + 120 * S, topo);
      return (inc ?? (c.state() as { open: Incident[] }).open[0]).hypotheses?.find((h) => h.cause === 'data-corruption');
    };
    expect(verdict(7)).toMatchObject({ holds: true, at: 'api' });
    expect(verdict(0)?.holds).toBe(false); // the alert outlived the errors (an overload's dropped requests)
  });

  it('correlator: errors of the root are data corruption only while its windows still show them, and never at saturation peaks', () => {
    const verdict = (after: Record<string, MetricWindow>) => {
      const c = new Correlator();
      c.window(window('billing', 0, { error_rate: stat(0.1), latency_ms: stat(50), cpu: stat(40) }), T0 + 60 * S, chain);
      c.alert(alert('billing', 'error_rate', T0 + 70 * S), chain);
      const [inc] = c.window(window('billing', 1, after), T0 + 120 * S, chain);
      return (inc ?? (c.state() as { open: Incident[] }).open[0]).hypotheses?.find((h) => h.cause === 'data-corruption');
    };
    expect(verdict({ error_rate: stat(6), latency_ms: stat(50), cpu: stat(40) })?.holds).toBe(true);
    // the window that closed after the alert began shows none: the alert outlived dropped requests
    expect(verdict({ error_rate: stat(0), latency_ms: stat(50), cpu: stat(40) })).toMatchObject({ holds: false, against: [expect.stringMatching(/errors in its last window within its SLO/)] });
    // an overload in bursts: a mean of 70 % cpu, its peaks at 100 %
    expect(verdict({ error_rate: stat(6), latency_ms: stat(50), cpu: stat(70, { p90: 100, max: 100 }) })).toMatchObject({ holds: false, against: [expect.stringMatching(/cpu p90 100 %/)] });
  });

  it('correlator: cpu alerting under high load is a saturation', () => {
    const c = new Correlator();
    for (let m = 0; m < 5; m++) c.window(window('billing', m, { rps: stat(100) }), T0 + (m + 1) * 60 * S, chain);
    c.window(window('billing', 5, { rps: stat(150) }), T0 + 360 * S, chain);
    expect(c.alert(alert('billing', 'cpu', T0 + 370 * S), chain)[0].pattern).toBe('saturation');
  });

  it('correlator: the root cause is among the services that alerted at the onset; a dependency alerting minutes later is a consequence', () => {
    const c = new Correlator();
    c.alert(alert('api', 'latency_ms', T0), chain);
    const [late] = c.alert(alert('db', 'latency_ms', T0 + 600 * S), chain);
    expect(late).toMatchObject({ service: 'api', rootCause: { service: 'api' }, id: `inc-api-${T0}` });
    expect(late.candidates.map((x) => x.service)).toEqual(['api', 'db']);
    const tie = new Correlator();
    tie.alert(alert('api', 'latency_ms', T0), chain);
    expect(tie.alert(alert('db', 'latency_ms', T0 + 30 * S), chain)[0].rootCause.service).toBe('db'); // same onset: most upstream
  });

  it('correlator: onset is when a condition began: a CPU held 5 minutes before alerting still comes first', () => {
    const c = new Correlator();
    c.alert({ ...alert('gateway', 'latency_ms', T0 + 130 * S), since: T0 + 130 * S }, chain);
    const [inc] = c.alert({ ...alert('db', 'cpu', T0 + 300 * S), since: T0 }, chain);
    expect(inc.rootCause.service).toBe('db');
    expect(inc.candidates.map((x) => x.service)).toEqual(['db', 'gateway']);
  });

  it('correlator: a yellow alert within the service SLO opens nothing and names no root cause; red always counts', () => {
    const slo = { ...chain, topology: (s: string) => ({ ...chain.topology(s)!, sloLatencyMs: 200, sloErrorRate: 1 }) };
    const c = new Correlator();
    const stat = (service: string, metric: string, value: number, ts: number): Alert => ({ ...alert(service, metric, ts, 'yellow'), rule: 'auto/novelty', value });
    expect(c.alert(stat('db', 'latency_ms', 7, T0), slo)).toEqual([]);
    expect(c.alert(stat('api', 'error_rate', 0, T0), slo)).toEqual([]);
    expect(c.alert({ ...alert('api', 'latency_ms', T0, 'yellow'), value: 190 }, slo)).toEqual([]); // the 200 ms warning, SLO 200
    expect(c.alert(stat('api', 'latency_ms', 2500, T0 + S), slo)).toHaveLength(1); // beyond the SLO: a symptom
    expect(c.alert({ ...alert('billing', 'latency_ms', T0 + S), value: 150 }, slo)).toHaveLength(1); // red
    expect((c.state() as { counts: { withinSlo: number } }).counts.withinSlo).toBe(3);
  });

  it('correlator: db latency with the pool half empty (locks) is a cascade led by db_latency_ms, not a pool saturation', () => {
    const c = new Correlator();
    c.window(window('db', 0, { db_pool_usage: stat(60), cpu: stat(10) }), T0 + 60 * S, chain);
    c.alert(alert('gateway', 'latency_ms', T0 + 70 * S), chain);
    c.alert(alert('api', 'latency_ms', T0 + 70 * S), chain);
    c.alert(alert('db', 'latency_ms', T0 + 70 * S), chain);
    const [inc] = c.alert(alert('db', 'db_latency_ms', T0 + 70 * S), chain);
    expect(inc).toMatchObject({ pattern: 'cascade', rootCause: { service: 'db', metric: 'db_latency_ms' } });
    const [full] = c.window(window('db', 1, { db_pool_usage: stat(100), cpu: stat(10) }), T0 + 120 * S, chain);
    expect(full.pattern).toBe('pool-saturation');
  });

  it('correlator: a full pool behind lock waits longer than a whole query usually takes is blocking queries, not pool saturation', () => {
    const c = new Correlator();
    for (let m = 0; m < 3; m++) c.window(window('db', m, { db_pool_usage: stat(40), db_latency_ms: stat(25), db_lock_wait_ms: stat(0), cpu: stat(10) }), T0 + (m + 1) * 60 * S, chain);
    // the queue for a connection (5 s) dwarfs the 900 ms lock waits that filled the pool: under 25 % of db latency
    c.window(window('db', 3, { db_pool_usage: stat(100), db_latency_ms: stat(5000), db_lock_wait_ms: stat(900), cpu: stat(10) }), T0 + 4 * 60 * S, chain);
    const [inc] = c.alert(alert('db', 'db_latency_ms', T0 + 250 * S), chain);
    expect(inc).toMatchObject({ pattern: 'blocking-queries', service: 'db' });
    expect(inc.hypotheses?.[0].for[0]).toContain('longer than a whole query usually takes (25 ms)');
    // the same full pool without lock waits is a pool saturation
    const d = new Correlator();
    for (let m = 0; m < 3; m++) d.window(window('db', m, { db_pool_usage: stat(40), db_latency_ms: stat(25), db_lock_wait_ms: stat(0), cpu: stat(10) }), T0 + (m + 1) * 60 * S, chain);
    d.window(window('db', 3, { db_pool_usage: stat(100), db_latency_ms: stat(5000), db_lock_wait_ms: stat(0), cpu: stat(10) }), T0 + 4 * 60 * S, chain);
    expect(d.alert(alert('db', 'db_latency_ms', T0 + 250 * S), chain)[0].pattern).toBe('pool-saturation');
  });

  it('correlator: reset forgets open incidents', () => {
    const c = new Correlator();
    c.alert(alert('api', 'cpu', T0), chain);
    c.reset();
    expect((c.state() as { open: unknown[] }).open).toEqual([]);
  });
});

describe('correlator: incident ids', () => {
  it('correlator: the same alerts in two simulated runs give different incident ids (vigil audit keeps runs apart)', () => {
    const c = new Correlator();
    c.reset('run-aaaa1111');
    const [first] = c.alert(alert('db', 'cpu', T0), chain);
    c.reset('run-bbbb2222');
    const [second] = c.alert(alert('db', 'cpu', T0), chain);
    expect(first.id).not.toBe(second.id);
    expect(first.id).toMatch(/^inc-db-/);
  });
});
