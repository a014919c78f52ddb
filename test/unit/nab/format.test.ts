import { describe, expect, it } from 'vitest';
import { formatReport, windowPoints } from '../../../runtime/cli/commands/nab.js';
import type { NabReport } from '../../../runtime/nab/run.js';

describe('nab summary', () => {
  it('windowPoints: one window of 64 caught at its centre instead of missed is 1.45 standard points', () => {
    expect(windowPoints(64)).toBeCloseTo(1.45, 2);
    expect(windowPoints(116)).toBeCloseTo(0.80, 2);
    expect(windowPoints(0)).toBe(0);
  });

  it('formatReport prints the resolution beside the scores', () => {
    const report = {
      detector: 'auto', files: 41, windows: 64, rows: 137366, threshold: 0.62, seconds: 3,
      standard: 75.48, reward_low_FP_rate: 72.12, reward_low_FN_rate: 78.44, perFile: [],
    } as NabReport;
    expect(formatReport(report, 'out')).toMatch(/resolution: one window missed instead of caught at its labelled point moves standard by 1\.45 points/);
  });
});
