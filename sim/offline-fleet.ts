/**
 * The fleet's brains wired in one process, for fast iteration on decisions (`vigil sim suite
 * --offline`): the same pure brains the agents run (filter, detector, aggregator, correlator,
 * predictor, strategist, orchestrator), fed tick by tick in the order the epoch gate gives
 * them over NATS (epoch, then hierarchy rank). What it leaves out: the orchestrator's own
 * monitoring directives (sensitivity and interval boosts during an incident), so a figure that
 * matters is measured through the real fleet (`vigil sim suite`, `vigil sim run`).
 */
import { cleanSamples, rawBatches, type Action, type AggWindow, type Alert, type CapacityPlan, type CatalogEntry, type Forecast, type Impact, type Incident } from '../runtime/contracts/index.js';
import { resolveConfig } from '../runtime/host/config.js';
import { DetectorCore } from '../agents/base/detector/brain.js';
import { DetectorConfig } from '../agents/base/detector/index.js';
import { cleanBatch, metaFor } from '../agents/base/filter/brain.js';
import { AdaptiveSampler, DEFAULT_SAMPLING } from '../agents/base/filter/sampler.js';
import { Aggregator } from '../agents/intermediate/aggregator/brain.js';
import { Correlator, type CatalogSnapshot } from '../agents/intermediate/correlator/brain.js';
import { Predictor } from '../agents/intermediate/predictor/brain.js';
import { CapacityPlanner } from '../agents/intermediate/predictor/planner.js';
import { loadPolicy } from '../policies/load.js';
import { scalingPolicyFor } from '../policies/scaling-policy.js';
import { Strategist } from '../agents/top/strategist/brain.js';
import { createOrchestratorBrain, type OrchestratorOutput } from '../agents/top/orchestrator/brain.js';
import { runReportFrom, type RunReport } from './report.js';
import { createWorld, type Scenario, type World } from './world.js';

/** The outcome of an in-process run, shaped like the fleet runner's. */
export interface OfflineFleetRun {
  report: RunReport; world: World; wallSeconds: number; incidents: Incident[]; actions: Action[];
  /** With sampling: samples the filter kept and saw. */
  sampled?: { kept: number; seen: number };
}

/** Plays a scenario through the brains in-process. Deterministic for a seed. */
export function runOfflineFleet(scenario: Scenario, opts: { seed?: number; sampling?: boolean } = {}): OfflineFleetRun {
  const t0 = performance.now();
  const world = createWorld(scenario, { seed: opts.seed });
  const entries = new Map<string, CatalogEntry>(world.catalog().map((e) => [e.service, e]));
  const catalog = { get: (s: string) => entries.get(s), all: () => [...entries.values()] };
  const snapshot: CatalogSnapshot = { topology: (s) => entries.get(s), services: [...entries.keys()] };
  // The filter's adaptive sampling, as `filter.sampling.enabled` turns it on in the fleet.
  const sampler = opts.sampling ? new AdaptiveSampler({ ...DEFAULT_SAMPLING, enabled: true }) : undefined;
  const detector = new DetectorCore(resolveConfig('detector', DetectorConfig), (s) => entries.get(s)?.sloErrorRate);
  const aggregator = new Aggregator();
  const correlator = new Correlator();
  const predictor = new Predictor();
  const scaling = loadPolicy().scaling;
  const planner = new CapacityPlanner((s) => scalingPolicyFor(scaling, s, entries.get(s)), () => catalog.all());
  const strategist = new Strategist();
  const orchestrator = createOrchestratorBrain({ catalog: (s) => entries.get(s) });
  const onsetTs = scenario.expect.onsetS === null ? world.startTs : world.startTs + scenario.expect.onsetS * 1000;
  const incidents = new Map<string, Incident>();
  const actions: Action[] = [];
  const pending: Action[] = [];
  let results: ReturnType<World['apply']>[] = [];
  let detectedAt: number | null = null;
  const detected = (ts: number): void => {
    if (ts >= onsetTs && (detectedAt === null || ts < detectedAt)) detectedAt = ts;
  };
  const collect = (out: OrchestratorOutput): void => {
    for (const a of out.actions) {
      actions.push(a);
      pending.push(a);
      if (!a.dryRun) detected(a.ts);
    }
  };

  while (!world.done()) {
    const { ts, samples } = world.step();
    const alerts: Alert[] = [];
    for (const { batch: raw } of rawBatches(samples, Number.POSITIVE_INFINITY)) {
      const { clean } = cleanBatch(raw, (service) => metaFor(entries.get(service)), sampler);
      if (!clean) continue;
      for (const a of detector.observe(cleanSamples(clean))) alerts.push(a);
      aggregator.observe(clean);
    }
    for (const a of alerts) {
      aggregator.alert(a);
      if (a.level === 'red') detected(a.ts);
    }
    const windows: AggWindow[] = aggregator.advance(ts);
    const incs: Incident[] = [];
    for (const a of alerts) incs.push(...correlator.alert(a, snapshot));
    for (const w of windows) incs.push(...correlator.window(w, Math.max(ts, w.end), snapshot));
    incs.push(...correlator.advance(ts, snapshot));
    for (const i of incs) { incidents.set(i.id, i); detected(i.ts); }
    // the predictor hears the actuator's results of the tick before its windows (they rank first)
    for (const r of results) planner.result(r);
    const forecasts: Forecast[] = windows.flatMap((w) => predictor.window(w));
    const plans: CapacityPlan[] = windows.flatMap((w) => planner.window(w) ?? []);
    const impacts: Impact[] = [
      ...windows.flatMap((w) => strategist.window(w, catalog)),
      ...incs.flatMap((i) => strategist.incident(i, catalog)),
      ...forecasts.flatMap((f) => strategist.forecast(f, catalog)),
    ];
    for (const r of results) collect(orchestrator.onActionResult(r, ts));
    results = [];
    for (const w of windows) collect(orchestrator.onAgg(w, ts));
    for (const i of incs) collect(orchestrator.onIncident(i, ts));
    for (const f of forecasts) collect(orchestrator.onForecast(f, ts));
    for (const p of plans) collect(orchestrator.onPlan(p, ts));
    for (const i of impacts) collect(orchestrator.onImpact(i, ts));
    collect(orchestrator.advance(ts));
    // Lock-step (pipeline 1): actions decided up to this tick apply before the next one; the
    // orchestrator hears the result with the next tick, as over NATS.
    const due = pending.splice(0, pending.length);
    for (const a of due) results.push({ ...world.apply(a, world.now()), ts: ts + world.tickS * 1000 });
  }
  const rootCause = [...incidents.values()][0]?.rootCause.service ?? null;
  const report = runReportFrom(world, { detectedAt, rootCause });
  const sampled = sampler ? { seen: Object.values(sampler.counts).reduce((a, b) => a + b, 0), kept: 0 } : undefined;
  if (sampled && sampler) sampled.kept = sampled.seen - sampler.counts.dropped;
  return { report, world, wallSeconds: (performance.now() - t0) / 1000, incidents: [...incidents.values()], actions, ...(sampled ? { sampled } : {}) };
}
