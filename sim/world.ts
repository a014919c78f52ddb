import type { Action, ActionResult } from '../runtime/contracts/control.js';
import type { CatalogEntry, Sample } from '../runtime/contracts/data.js';
import { createActuator, type ActionLogEntry } from './actuator.js';
import { createLoadModel } from './load/profile.js';
import { createNetwork } from './model/network.js';
import { advanceRollout, createServiceState, type ServiceState, type TickView } from './model/service-state.js';
import { createRng, deriveSeed } from './prng.js';
import { createMetricsAccumulator, type RunMetrics } from './run-metrics.js';
import { buildSamples } from './samples.js';
import type { Scenario } from './scenario-schema.js';
import { createTimeline, type ChangeEvent } from './timeline.js';

export { loadScenario, parseScenario } from './scenario-loader.js';
export type { Scenario } from './scenario-schema.js';
export type { RunMetrics } from './run-metrics.js';
export type { ActionLogEntry } from './actuator.js';
export type { ChangeEvent } from './timeline.js';

/** One tick's output: the tick's event time (ms) and its readings. */
export interface SimTickOutput { ts: number; samples: Sample[] }


/** A service as the model sees it now (for baselines, tests and debugging; not for agents). */
export interface ServiceInspection extends TickView {
  service: string; version: string; size: number; poolSize: number | null; booting: number;
}

/**
 * A running simulation. Pure and deterministic: no clock, no IO, no Math.random; the same
 * scenario, seed and actions give the same samples and metrics. The fleet runner calls `step`
 * once per tick and `apply` for each action the orchestrator publishes.
 */
export interface World {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly tickS: number;
  /** Event time of the start, ms. */
  readonly startTs: number;
  /** Event time of the end, ms: the last tick's ts. */
  readonly endTs: number;
  /** Current event time, ms: the ts of the last tick (startTs before the first). */
  now(): number;
  /** True once the last tick has been computed. */
  done(): boolean;
  /** Advances one tick (tickS) and returns its readings, stamped with the new now(). Throws past endTs. */
  step(): SimTickOutput;
  /**
   * The sim actuator: applies an action at event time `now` (ms; never before the world's now)
   * with realistic delays. Idempotent by actionId: a repeated id has no second effect and gets
   * the same stored result. A dry run changes nothing ('dry-run'); an unknown service or an
   * inapplicable action gives 'failed' with a detail.
   */
  apply(action: Action, now: number): ActionResult;
  /** The catalogue entries of the scenario's services (what the runner writes to the KV catalogue), with the instance bounds the HPA baseline obeys (minInstances: the starting count unless given). */
  catalog(): CatalogEntry[];
  /** What the run achieved so far. */
  metrics(): RunMetrics;
  /** Every distinct action applied, in order, with its repeats. */
  actionLog(): ActionLogEntry[];
  /** Deploys and rollbacks so far (the fault's bad deploy included). */
  changes(): ChangeEvent[];
  /** The model's current view of every service. */
  inspect(): ServiceInspection[];
}

/** Creates a world at the scenario's start. `opts.seed` overrides the scenario's seed. */
export function createWorld(scenario: Scenario, opts: { seed?: number } = {}): World {
  const seed = opts.seed ?? scenario.seed;
  const startTs = scenario.startMs;
  const endTs = startTs + scenario.durationS * 1000;
  const states = scenario.services.map((spec) => createServiceState(spec, createRng(deriveSeed(seed, `instances:${spec.service}`)), startTs));
  const byName = new Map(states.map((s) => [s.name, s]));
  const network = createNetwork(states);
  const load = createLoadModel(scenario, seed);
  const sampleRng = createRng(deriveSeed(seed, 'samples'));
  const metrics = createMetricsAccumulator(scenario);
  const timeline = createTimeline(scenario.faults, byName, startTs);
  const actuator = createActuator(byName, startTs, timeline);
  let now = startTs;

  return {
    scenario, seed, tickS: scenario.tickS, startTs, endTs,
    now: () => now,
    done: () => now >= endTs,
    step() {
      if (now >= endTs) throw new Error(`sim ${scenario.name}: step() past the end (${new Date(endTs).toISOString()})`);
      const ts = Math.min(now + scenario.tickS * 1000, endTs);
      timeline.runDue(ts);
      for (const st of states) advanceRollout(st, ts);
      network.tick(ts, scenario.tickS, load.step((ts - startTs) / 1000));
      metrics.observe(ts, states, scenario.tickS);
      now = ts;
      return { ts, samples: buildSamples(states, ts, scenario.sampleInstances, sampleRng) };
    },
    apply: (action, at) => actuator.apply(action, Math.max(Math.round(at), now)),
    catalog: () => scenario.services.map((s) => ({
      service: s.service, tier: s.tier, owner: s.owner, criticality: s.criticality, dependsOn: [...s.dependsOn],
      users: s.users, billable: s.billable, unitPrice: s.unitPrice, sloLatencyMs: s.sloLatencyMs, sloErrorRate: s.sloErrorRate,
      minInstances: s.minInstances ?? s.instances, maxInstances: s.maxInstances, bootDelayS: s.bootDelayS,
    })),
    metrics: () => metrics.snapshot(now),
    actionLog: () => actuator.log(),
    changes: () => timeline.changes(),
    inspect: () => states.map((s) => inspectService(s, now)),
  };
}

/** A plain copy of a service's view (built field by field: spreading 20 keys is slow on V8's hot path). */
function inspectService(s: ServiceState, now: number): ServiceInspection {
  const v = s.last;
  let booting = 0;
  for (const i of s.instances) if (i.readyAt > now) booting++;
  return {
    service: s.name, version: s.version, size: s.size, poolSize: s.poolSize, booting,
    received: v.received, processed: v.processed, capacity: v.capacity, bottleneck: v.bottleneck, cpu: v.cpu,
    memory: v.memory, latencyMs: v.latencyMs, errorRate: v.errorRate, queue: v.queue, poolUsage: v.poolUsage,
    dbLatencyMs: v.dbLatencyMs, topSourcesSharePct: v.topSourcesSharePct, ready: v.ready, total: v.total, legitShare: v.legitShare, violating: v.violating,
    versionErrors: v.versionErrors,
  };
}
