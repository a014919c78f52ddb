import { describe, expect, it } from 'vitest';
import { formatIncidents } from '../../../runtime/cli/commands/incident.js';

describe('vigil incident ls', () => {
  it('incident ls: the PRIORITY column shows the strategist priority the orchestrator keeps in impact', () => {
    const text = formatIncidents([
      { id: 'inc-api-1', service: 'api', status: 'open', level: 'N1', pattern: 'saturation', impact: { priority: 'P1', revenueAtRiskPerMin: 3, interventionWorthIt: true } },
      { id: 'inc-db-2', service: 'db', status: 'open', level: 'N0', pattern: 'single', impact: null },
    ]);
    const [header, first, second] = text.split('\n');
    const col = header.indexOf('PRIORITY');
    expect(col).toBeGreaterThan(0);
    expect(first.slice(col, col + 2)).toBe('P1');
    expect(second.slice(col, col + 2).trim()).toBe('');
  });
});
