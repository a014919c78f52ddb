import { describe, expect, it } from 'vitest';
import { runOffline } from '../../../sim/baselines/run-offline.js';
import { formatProgress, formatReport, runReportFrom, type ScenarioReport } from '../../../sim/report.js';
import { loadScenario } from '../../../sim/world.js';

describe('reports', () => {
  it('report: times are measured from the declared onset', () => {
    const hpa = runOffline(loadScenario('cpu-spike'), { controller: 'hpa' });
    const m = hpa.metrics;
    expect(m.onsetTs).toBe(hpa.world.startTs + 600_000);
    expect(hpa.report.timeToMitigateS).toBe((m.mitigatedAt! - m.onsetTs!) / 1000);
    expect(hpa.report.timeToDetectS).toBeGreaterThanOrEqual(0);
    const vigil = runReportFrom(hpa.world, { detectedAt: hpa.world.startTs + 630_000, rootCause: 'api' });
    expect(vigil).toMatchObject({ timeToDetectS: 30, rootCause: 'api', rollbacks: 0 });
  });

  it('formatReport: a side-by-side table with every run and figure', () => {
    const s = loadScenario('flash-crowd');
    const none = runOffline(s, { controller: 'none' });
    const hpa = runOffline(s, { controller: 'hpa' });
    const report: ScenarioReport = {
      scenario: s.name, seed: s.seed, simulatedSeconds: s.durationS, wallSeconds: 0.5,
      runs: { vigil: { ...hpa.report, rootCause: 'api' }, none: none.report, hpa: hpa.report },
    };
    const text = formatReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toContain('scenario flash-crowd (seed 3003): 60 simulated min');
    expect(lines[1]).toMatch(/vigil\s+none\s+hpa$/);
    expect(text).toMatch(new RegExp(`SLO violation \\(min\\)\\s+[\\d.]+\\s+${none.report.sloViolationMinutes}\\s`));
    expect(text).toContain('root cause');
    expect(text).toMatch(/hpa actions: scale-out api x\d+/);
    expect(text).toContain('none actions: none');
  });

  it('formatProgress: one line with clock, share done, SLO, cost, revenue and speed', () => {
    const hpa = runOffline(loadScenario('cpu-spike'), { controller: 'hpa' });
    const line = formatProgress({ scenario: 'cpu-spike', elapsedS: 750, totalS: 2400, wallSeconds: 1.5, metrics: hpa.metrics });
    expect(line).toMatch(/^cpu-spike {2}12:30\/40:00 {2}31% {2}slo [\d.]+ min {2}inst \d+ min {2}lost \d+ {2}x500$/);
  });
});
