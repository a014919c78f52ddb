/**
 * `vigil sim suite`: draws scenarios from the families' parameter ranges, plays each with vigil
 * (through the fleet, or in-process with `offline`) and with the baselines (none, hpa, hpa-rps),
 * judges vigil's actions against the scenario's ground truth and sums it all up per family.
 */
import { readTraceCsv } from '../load/nab-trace.js';
import { createRng, deriveSeed } from '../prng.js';
import { runOffline } from '../baselines/run-offline.js';
import type { RunReport } from '../report.js';
import { repoRoot } from '../scenario-loader.js';
import { parseScenario, type Scenario, type World } from '../world.js';
import { drawScenario, Families, type Family } from './families.js';
import { harmfulActions, reversals, type Harm } from './truth.js';

/** What a run of vigil on one scenario gives the suite. */
export interface VigilRun { report: RunReport; world: World }

/** Plays one scenario with vigil: through the fleet or in-process. */
export type VigilRunner = (scenario: Scenario) => Promise<VigilRun>;

/** The figures of one controller on one scenario, or summed over several. */
export interface Figures { sloViolationMinutes: number; instanceMinutes: number }

/** One scenario's outcome. */
export interface SuiteCase {
  name: string;
  family: Family;
  description: string;
  vigil: Figures; none: Figures; hpa: Figures; hpaRps: Figures;
  /** the better of hpa and hpa-rps on this scenario (fewer SLO minutes, then fewer instance-minutes) */
  best: 'hpa' | 'hpaRps';
  harmful: Harm[];
  reversals: number;
  hours: number;
  actions: string[];
}

export interface FamilyTotals { scenarios: number; vigil: Figures; none: Figures; hpa: Figures; hpaRps: Figures; best: Figures; harmfulActions: number; reversals: number }

/** The suite's report (`--json`). */
export interface SuiteReport {
  seed: number;
  n: number;
  mode: 'fleet' | 'offline';
  scenarios: SuiteCase[];
  families: Record<string, FamilyTotals>;
  totals: FamilyTotals & { sloRatioToBest: number; instanceRatioToBest: number };
  harmfulActions: number;
  /** scale reversals (out and back within 20 minutes) per hour of the quiet days */
  reversalsPerHour: number;
  wallSeconds: number;
}

const fig = (r: RunReport): Figures => ({ sloViolationMinutes: r.sloViolationMinutes, instanceMinutes: r.instanceMinutes });
const add = (a: Figures, b: Figures): Figures => ({
  sloViolationMinutes: round(a.sloViolationMinutes + b.sloViolationMinutes), instanceMinutes: round(a.instanceMinutes + b.instanceMinutes),
});
const zero = (): Figures => ({ sloViolationMinutes: 0, instanceMinutes: 0 });
const round = (x: number): number => Math.round(x * 100) / 100;

/** The scenarios of a suite: `n` of them, families in turn (so any n covers them evenly), drawn from `seed`. */
export function drawSuite(opts: { seed: number; n: number; families?: readonly Family[] }): { scenario: Scenario; family: Family }[] {
  const families = opts.families && opts.families.length > 0 ? opts.families : Families;
  const root = repoRoot();
  const traces = new Map<string, number[]>();
  const readTrace = (path: string): number[] => {
    if (!traces.has(path)) traces.set(path, readTraceCsv(path, 'suite'));
    return traces.get(path)!;
  };
  const out: { scenario: Scenario; family: Family }[] = [];
  for (let i = 0; i < opts.n; i++) {
    const family = families[i % families.length];
    const rng = createRng(deriveSeed(opts.seed, `suite:${i}`));
    const drawn = drawScenario(family, rng, i, root, readTrace);
    out.push({ scenario: parseScenario(drawn.doc, `suite seed ${opts.seed} #${i} (${family})`, drawn.traces), family });
  }
  return out;
}

/** Plays every scenario with vigil and the baselines and sums it up. */
export async function runSuite(
  opts: { seed: number; n: number; families?: readonly Family[]; mode: 'fleet' | 'offline'; onCase?: (c: SuiteCase, i: number, n: number) => void },
  vigil: VigilRunner,
): Promise<SuiteReport> {
  const t0 = performance.now();
  const cases: SuiteCase[] = [];
  const drawn = drawSuite(opts);
  for (const [i, { scenario, family }] of drawn.entries()) {
    const run = await vigil(scenario);
    const none = runOffline(scenario, { controller: 'none' }).report;
    const hpa = runOffline(scenario, { controller: 'hpa' }).report;
    const hpaRps = runOffline(scenario, { controller: 'hpa-rps' }).report;
    const log = run.world.actionLog();
    const c: SuiteCase = {
      name: scenario.name, family, description: scenario.description,
      vigil: fig(run.report), none: fig(none), hpa: fig(hpa), hpaRps: fig(hpaRps),
      best: hpaRps.sloViolationMinutes < hpa.sloViolationMinutes
        || (hpaRps.sloViolationMinutes === hpa.sloViolationMinutes && hpaRps.instanceMinutes < hpa.instanceMinutes) ? 'hpaRps' : 'hpa',
      harmful: harmfulActions(scenario, log, run.world.changes(), scenario.startMs),
      reversals: reversals(log),
      hours: scenario.durationS / 3600,
      actions: log.filter((a) => a.status === 'applied').map((a) => `${a.type} ${a.service} @${a.t}`),
    };
    cases.push(c);
    opts.onCase?.(c, i, drawn.length);
  }
  return summarise(opts, cases, (performance.now() - t0) / 1000);
}

function totalsOf(cases: SuiteCase[]): FamilyTotals {
  const t: FamilyTotals = { scenarios: 0, vigil: zero(), none: zero(), hpa: zero(), hpaRps: zero(), best: zero(), harmfulActions: 0, reversals: 0 };
  for (const c of cases) {
    t.scenarios++;
    t.vigil = add(t.vigil, c.vigil);
    t.none = add(t.none, c.none);
    t.hpa = add(t.hpa, c.hpa);
    t.hpaRps = add(t.hpaRps, c.hpaRps);
    t.best = add(t.best, c[c.best]);
    t.harmfulActions += c.harmful.length;
    t.reversals += c.reversals;
  }
  return t;
}

function summarise(opts: { seed: number; n: number; mode: 'fleet' | 'offline' }, cases: SuiteCase[], wallSeconds: number): SuiteReport {
  const families: Record<string, FamilyTotals> = {};
  for (const f of [...new Set(cases.map((c) => c.family))]) families[f] = totalsOf(cases.filter((c) => c.family === f));
  const t = totalsOf(cases);
  const quiet = cases.filter((c) => c.family === 'quiet');
  const quietHours = quiet.reduce((a, c) => a + c.hours, 0);
  const ratio = (a: number, b: number): number => (b > 0 ? round(a / b) : a > 0 ? Infinity : 1);
  return {
    seed: opts.seed, n: opts.n, mode: opts.mode, scenarios: cases, families,
    totals: { ...t, sloRatioToBest: ratio(t.vigil.sloViolationMinutes, t.best.sloViolationMinutes), instanceRatioToBest: ratio(t.vigil.instanceMinutes, t.best.instanceMinutes) },
    harmfulActions: t.harmfulActions,
    reversalsPerHour: quietHours > 0 ? round(quiet.reduce((a, c) => a + c.reversals, 0) / quietHours) : 0,
    wallSeconds: round(wallSeconds),
  };
}
