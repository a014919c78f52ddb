import { describe, expect, it } from 'vitest';
import { DetectorCore } from '../../../agents/base/detector/brain.js';
import { DEFAULT_RULES } from '../../../agents/base/detector/default-rules.js';
import { DEFAULT_DEPLOY_CHECK, DeployCheck } from '../../../agents/base/detector/brains/deploy-check.js';
import { DetectorConfig } from '../../../agents/base/detector/index.js';
import { resolveConfig } from '../../../runtime/host/config.js';
import { Alert, check, type CleanSample } from '../../../runtime/contracts/index.js';

const T0 = Date.UTC(2026, 0, 1);
const at = (s: number): number => T0 + s * 1000;
const sample = (metric: string, value: number, s: number, service = 'pay', instance = 'all'): CleanSample => ({ service, instance, metric, value, ts: at(s) });

/** 10-second collections of one service: deploy_version, then error_rate, as the simulator sends them. */
function play(core: DetectorCore, fromS: number, toS: number, version: (s: number) => number, errors: (s: number) => number) {
  const out = [];
  for (let s = fromS; s < toS; s += 10) out.push(...core.observe([sample('error_rate', errors(s), s), sample('deploy_version', version(s), s)]));
  return out.filter((a) => a.rule === 'deploy-check');
}

const core = (slo?: Record<string, number>): DetectorCore => new DetectorCore({
  algorithm: 'auto', sensitivity: 0.5, serviceSensitivity: {}, statMetrics: [], rules: structuredClone(DEFAULT_RULES), seed: 1, clearAfter: 6,
  deployCheck: { windowS: 600, meanS: 60, sloErrorRate: 1 },
}, (service) => slo?.[service]);

describe('detector deploy check (error rate over the SLO soon after a deploy)', () => {
  it('raises red on the first collection whose one-minute mean breaks the SLO after a deploy, and clears once back within it', () => {
    // v1 healthy; v2 deployed at 600 s fails 5 % of requests from 610 s; rolled back to v1 at 900 s
    const version = (s: number): number => (s >= 600 && s < 900 ? 2 : 1);
    const errors = (s: number): number => (s >= 610 && s < 900 ? 5 : 0.3);
    const alerts = play(core(), 0, 1200, version, errors);
    expect(alerts.map((a) => [a.level, (a.ts - T0) / 1000])).toEqual([['red', 610], ['clear', 950]]);
    const [red, clear] = alerts;
    // the mean of 610 s: 0.3 x 5 + 5 = 1.08 % > 1 %
    expect(red).toMatchObject({ service: 'pay', instance: 'all', metric: 'error_rate', rule: 'deploy-check', threshold: 1, since: at(610) });
    expect(red.value).toBeCloseTo((5 * 0.3 + 5) / 6, 6);
    expect(red.explanation).toMatch(/breaks the SLO \(1 %\) 10 s after a deploy_version change/);
    expect(clear.value).toBeLessThanOrEqual(1);
    for (const a of alerts) expect(check(Alert, JSON.parse(JSON.stringify(a))).ok).toBe(true);
  });

  it('no deploy, no alert: the same errors without a deploy_version change are the threshold rule\'s (held 5 minutes)', () => {
    const alerts = play(core(), 0, 1200, () => 1, (s) => (s >= 610 ? 5 : 0.3));
    expect(alerts).toEqual([]);
  });

  it('errors that begin more than windowS after the deploy raise nothing', () => {
    const alerts = play(core(), 0, 1800, (s) => (s >= 600 ? 2 : 1), (s) => (s >= 1210 ? 5 : 0.3));
    expect(alerts).toEqual([]);
    // ... while errors starting inside the window still do
    expect(play(core(), 0, 1800, (s) => (s >= 600 ? 2 : 1), (s) => (s >= 1190 ? 5 : 0.3)).map((a) => a.level)).toEqual(['red']);
  });

  it('the catalogue\'s SLO of the service decides: 5 % errors within a 10 % SLO raise nothing', () => {
    const version = (s: number): number => (s >= 600 ? 2 : 1);
    const errors = (s: number): number => (s >= 610 ? 5 : 0.3);
    expect(play(core({ pay: 10 }), 0, 1200, version, errors)).toEqual([]);
    expect(play(core({ pay: 2 }), 0, 1200, version, errors).map((a) => a.threshold)).toEqual([2]);
  });

  it('a deploy and its first errors in one collection raise at once, whatever the order of the two samples', () => {
    const check = new DeployCheck({ windowS: 600, meanS: 60, sloErrorRate: 1 });
    const slo = (): number => 1;
    for (let s = 0; s < 600; s += 10) {
      check.observe(sample('deploy_version', 1, s), slo);
      check.observe(sample('error_rate', 0.1, s), slo);
    }
    expect(check.observe(sample('error_rate', 20, 600), slo)).toEqual([]);
    const events = check.observe(sample('deploy_version', 2, 600), slo);
    expect(events.map((e) => [e.level, e.deployTs, e.since])).toEqual([['red', at(600), at(600)]]);
  });

  it('a single noisy collection over the SLO does not move a one-minute mean over it', () => {
    const alerts = play(core(), 0, 1200, (s) => (s >= 600 ? 2 : 1), (s) => (s === 700 ? 4 : 0.3));
    expect(alerts).toEqual([]);
  });

  it('windowS 0 turns the rule off; invalid parameters are refused with the rule named', () => {
    const off = new DeployCheck({ windowS: 0, meanS: 60, sloErrorRate: 1 });
    off.observe(sample('deploy_version', 1, 0), () => 1);
    off.observe(sample('deploy_version', 2, 10), () => 1);
    expect(off.observe(sample('error_rate', 50, 20), () => 1)).toEqual([]);
    expect(() => new DeployCheck({ windowS: Number.NaN, meanS: 60, sloErrorRate: 1 })).toThrow(/deployCheck/);
  });
});

describe('detector config: deployCheck', () => {
  it('defaults to the documented rule; a partial override keeps the other fields; a non-finite or out-of-range value is refused with its path', () => {
    expect(resolveConfig('detector', DetectorConfig).deployCheck).toEqual(DEFAULT_DEPLOY_CHECK);
    expect(resolveConfig('detector', DetectorConfig, { deployCheck: { windowS: 300 } }).deployCheck).toEqual({ ...DEFAULT_DEPLOY_CHECK, windowS: 300 });
    expect(() => resolveConfig('detector', DetectorConfig, JSON.parse('{"deployCheck": {"windowS": 1e999}}'))).toThrow(/deployCheck\/windowS|deployCheck\.windowS/);
    expect(() => resolveConfig('detector', DetectorConfig, { deployCheck: { sloErrorRate: -1 } })).toThrow(/sloErrorRate/);
  });
});
