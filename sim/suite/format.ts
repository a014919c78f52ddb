import type { FamilyTotals, SuiteReport } from './run-suite.js';

const n1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
const r2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'inf');

/** The suite's per-family table and totals, for people (fixed-width text). */
export function formatSuite(r: SuiteReport): string {
  const head = ['family', 'n', 'SLO min vigil', 'none', 'hpa', 'hpa-rps', 'best', 'inst-min vigil', 'best', 'harmful', 'reversals'];
  const row = (name: string, t: FamilyTotals): string[] => [
    name, String(t.scenarios), n1(t.vigil.sloViolationMinutes), n1(t.none.sloViolationMinutes), n1(t.hpa.sloViolationMinutes),
    n1(t.hpaRps.sloViolationMinutes), n1(t.best.sloViolationMinutes), n1(t.vigil.instanceMinutes), n1(t.best.instanceMinutes),
    String(t.harmfulActions), String(t.reversals),
  ];
  const rows = [head, ...Object.entries(r.families).map(([f, t]) => row(f, t)), row('total', r.totals)];
  const width = head.map((_, i) => Math.max(...rows.map((x) => x[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  return [
    `suite seed ${r.seed}, ${r.n} scenarios, ${r.mode}, ${r.wallSeconds.toFixed(1)} s`,
    line(rows[0]), line(width.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line),
    `vigil / best baseline: SLO-violation minutes x${r2(r.totals.sloRatioToBest)}, instance-minutes x${r2(r.totals.instanceRatioToBest)}; `
      + `harmful actions ${r.harmfulActions}; reversals per quiet hour ${r2(r.reversalsPerHour)}`,
  ].join('\n');
}
