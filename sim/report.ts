import type { World } from './world.js';
import type { RunMetrics } from './run-metrics.js';

/** The outcome of one run of a scenario (vigil, or a baseline). Times in seconds. */
export interface RunReport {
  /** From the onset to the first reaction (vigil: first alert/incident; hpa: first scale decision); null if none. */
  timeToDetectS: number | null;
  /** From the onset to mitigatedAt; null if the SLOs never held again. */
  timeToMitigateS: number | null;
  sloViolationMinutes: number;
  instanceMinutes: number;
  revenueLost: number;
  /** Actions applied (dry runs and failures excluded); t in seconds since the start. */
  actions: { type: string; service: string; t: number }[];
  /** Actions that undid an earlier one (they carry `compensates`). */
  rollbacks: number;
  rootCause: string | null;
}

/** One scenario's runs side by side. */
export interface ScenarioReport {
  scenario: string;
  seed: number;
  simulatedSeconds: number;
  wallSeconds: number;
  runs: { vigil?: RunReport; none: RunReport; hpa: RunReport; 'hpa-rps'?: RunReport };
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Builds a RunReport from a finished (or running) world. `detectedAt` (event time, ms) is the
 * caller's first reaction; `rootCause` what it named. Called by the offline baselines and by
 * the fleet runner alike, so both are measured the same way.
 */
export function runReportFrom(world: World, opts: { detectedAt: number | null; rootCause: string | null }): RunReport {
  const m: RunMetrics = world.metrics();
  const onset = m.onsetTs ?? world.startTs;
  const log = world.actionLog();
  return {
    timeToDetectS: opts.detectedAt === null ? null : round((opts.detectedAt - onset) / 1000, 1),
    timeToMitigateS: m.mitigatedAt === null || m.onsetTs === null ? null : round((m.mitigatedAt - m.onsetTs) / 1000, 1),
    sloViolationMinutes: round(m.sloViolationMinutes),
    instanceMinutes: round(m.instanceMinutes),
    revenueLost: round(m.revenueLost),
    actions: log.filter((a) => a.status === 'applied').map((a) => ({ type: a.type, service: a.service, t: a.t })),
    rollbacks: log.filter((a) => a.status === 'applied' && a.compensates).length,
    rootCause: opts.rootCause,
  };
}

function cell(v: number | string | null): string {
  if (v === null) return '-';
  return typeof v === 'number' ? String(round(v, 1)) : v;
}

function summariseActions(actions: RunReport['actions']): string {
  if (actions.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(`${a.type} ${a.service}`, (counts.get(`${a.type} ${a.service}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
}

/** A side-by-side table of the runs, for people (fixed-width text). */
export function formatReport(r: ScenarioReport): string {
  const cols = (['vigil', 'none', 'hpa', 'hpa-rps'] as const).filter((c) => r.runs[c]);
  const rows: [string, (x: RunReport) => string][] = [
    ['time to detect (s)', (x) => cell(x.timeToDetectS)],
    ['time to mitigate (s)', (x) => cell(x.timeToMitigateS)],
    ['SLO violation (min)', (x) => cell(x.sloViolationMinutes)],
    ['instance-minutes', (x) => cell(x.instanceMinutes)],
    ['revenue lost', (x) => cell(x.revenueLost)],
    ['actions', (x) => String(x.actions.length)],
    ['rollbacks', (x) => String(x.rollbacks)],
    ['root cause', (x) => cell(x.rootCause)],
  ];
  const width = [Math.max(...rows.map(([l]) => l.length)), ...cols.map((c) => Math.max(c.length, ...rows.map(([, f]) => f(r.runs[c]!).length)))];
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(width[0]) : c.padStart(width[i]))).join('  ');
  const out = [
    `scenario ${r.scenario} (seed ${r.seed}): ${round(r.simulatedSeconds / 60, 1)} simulated min in ${round(r.wallSeconds, 2)} s`,
    line(['', ...cols]),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map(([label, f]) => line([label, ...cols.map((c) => f(r.runs[c]!))])),
  ];
  for (const c of cols) out.push(`${c} actions: ${summariseActions(r.runs[c]!.actions)}`);
  return out.join('\n');
}

/** One progress line for a running scenario, e.g. `flash-crowd  12:30/60:00  21%  slo 3.2 min  inst 45 min  lost 1234  x850`. */
export function formatProgress(p: { scenario: string; elapsedS: number; totalS: number; wallSeconds: number; metrics: RunMetrics }): string {
  const clock = (s: number): string => {
    const h = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(Math.floor(s % 60)).padStart(2, '0');
    return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  };
  const pct = p.totalS > 0 ? Math.floor((100 * p.elapsedS) / p.totalS) : 100;
  const speed = p.wallSeconds > 0 ? `x${Math.round(p.elapsedS / p.wallSeconds)}` : 'x-';
  const m = p.metrics;
  return `${p.scenario}  ${clock(p.elapsedS)}/${clock(p.totalS)}  ${pct}%  slo ${round(m.sloViolationMinutes, 1)} min  `
    + `inst ${Math.round(m.instanceMinutes)} min  lost ${Math.round(m.revenueLost)}  ${speed}`;
}
