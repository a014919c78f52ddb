import type { Action, ActionResult } from '../runtime/contracts/control.js';
import type { CatalogEntry, Sample } from '../runtime/contracts/data.js';
import { createActuator, type ActionLogEntry } from './actuator.js';
import { startFault, endFault } from './faults.js';
import { createLoadModel } from './load/profile.js';
import { edgeFilter, flow, type Flow } from './model/flow.js';
import { edgeMode, respond, type DepEdge, type EdgeMode } from './model/respond.js';
import { createServiceState, type ServiceState, type TickView } from './model/service-state.js';
import { topologicalOrder } from './model/topology.js';
import { createRng, deriveSeed } from './prng.js';
import { createMetricsAccumulator, type RunMetrics } from './run-metrics.js';
import { buildSamples } from './samples.js';
import type { Scenario } from './scenario-schema.js';

export { loadScenario, parseScenario } from './scenario-loader.js';
export type { Scenario } from './scenario-schema.js';
export type { RunMetrics } from './run-metrics.js';
export type { ActionLogEntry } from './actuator.js';

/** One tick's output: the tick's event time (ms) and its readings. */
export interface SimTickOutput { ts: number; samples: Sample[] }

/** A change the platform made (a deploy, a rollback): what a CI/CD feed would announce. */
export interface ChangeEvent { ts: number; service: string; kind: string; detail: string }

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
  /** The catalogue entries of the scenario's services (what the runner writes to the KV catalogue). */
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

interface Pending { at: number; seq: number; fn: () => void }

/** Creates a world at the scenario's start. `opts.seed` overrides the scenario's seed. */
export function createWorld(scenario: Scenario, opts: { seed?: number } = {}): World {
  const seed = opts.seed ?? scenario.seed;
  const startTs = scenario.startMs;
  const endTs = startTs + scenario.durationS * 1000;
  const tickMs = scenario.tickS * 1000;
  const states = scenario.services.map((spec) => createServiceState(spec, createRng(deriveSeed(seed, `instances:${spec.service}`)), startTs));
  const byName = new Map(states.map((s) => [s.name, s]));
  const order = topologicalOrder(states);
  const load = createLoadModel(scenario, seed);
  const sampleRng = createRng(deriveSeed(seed, 'samples'));
  const metrics = createMetricsAccumulator(scenario);
  const changeLog: ChangeEvent[] = [];
  const pending: Pending[] = [];
  let seq = 0;
  const ctx = {
    schedule: (at: number, fn: () => void) => { pending.push({ at, seq: seq++, fn }); },
    change: (ts: number, service: string, kind: string, detail: string) => { changeLog.push({ ts, service, kind, detail }); },
  };
  const actuator = createActuator(byName, startTs, ctx);
  const faults = scenario.faults.map((f) => ({
    f, startAt: startTs + f.atS * 1000, endAt: f.durationS ? startTs + (f.atS + f.durationS) * 1000 : Infinity, started: false, ended: false,
  }));
  let now = startTs;

  const runDue = (ts: number): void => {
    for (const x of faults) {
      const s = byName.get(x.f.service)!;
      if (!x.started && x.startAt <= ts) {
        x.started = true;
        const ev = startFault(s, x.f);
        if (ev) changeLog.push({ ts: x.startAt, service: s.name, kind: ev.kind, detail: `deploy ${ev.version}` });
      }
      if (x.started && !x.ended && x.endAt <= ts) { x.ended = true; endFault(s, x.f); }
    }
    pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
    while (pending.length > 0 && pending[0].at <= ts) pending.shift()!.fn();
  };

  // Edges are built once; each tick only their mode changes. Callers hold the same edge objects.
  const edges = new Map<string, DepEdge[]>(states.map((s) => [s.name, s.spec.dependsOn.map((d) => (
    { dep: byName.get(d)!, calls: s.spec.calls?.[d] ?? 1, mode: 'call' as EdgeMode }))]));
  const inbound = new Map<string, { caller: ServiceState; edge: DepEdge }[]>(states.map((s) => [s.name, []]));
  for (const s of states) for (const e of edges.get(s.name)!) inbound.get(e.dep.name)!.push({ caller: s, edge: e });
  const plan = order.map((s) => ({ s, edges: edges.get(s.name)!, inbound: inbound.get(s.name)!, flow: null as Flow | null }));
  const planByName = new Map(plan.map((p) => [p.s.name, p]));

  const tick = (ts: number): void => {
    const external = load.step((ts - startTs) / 1000);
    for (let k = plan.length - 1; k >= 0; k--) {
      const p = plan[k];
      const s = p.s;
      const ext = external.get(s.name);
      const edge = ext ? edgeFilter(s, ext.legit, ext.attack, ext.sources) : null;
      let legit = ext ? ext.legit : 0;
      let attack = edge ? edge.attack : 0;
      for (const { caller, edge } of p.inbound) {
        if (edge.mode !== 'call') continue;
        const cf = planByName.get(caller.name)!.flow!;
        legit += cf.processed * edge.calls * cf.legitShare;
        attack += cf.processed * edge.calls * (1 - cf.legitShare);
      }
      for (const e of p.edges) e.mode = edgeMode(s, e.dep);
      p.flow = flow(s, { legit, attack, topSourcesSharePct: edge ? edge.topSourcesSharePct : null }, ts, scenario.tickS);
    }
    for (const p of plan) p.s.last = respond(p.s, p.flow!, p.edges);
    metrics.observe(ts, states, scenario.tickS);
  };

  return {
    scenario, seed, tickS: scenario.tickS, startTs, endTs,
    now: () => now,
    done: () => now >= endTs,
    step() {
      if (now >= endTs) throw new Error(`sim ${scenario.name}: step() past the end (${new Date(endTs).toISOString()})`);
      const ts = Math.min(now + tickMs, endTs);
      runDue(ts);
      tick(ts);
      now = ts;
      return { ts, samples: buildSamples(states, ts, scenario.sampleInstances, sampleRng) };
    },
    apply: (action, at) => actuator.apply(action, Math.max(Math.round(at), now)),
    catalog: () => scenario.services.map((s) => ({
      service: s.service, tier: s.tier, owner: s.owner, criticality: s.criticality, dependsOn: [...s.dependsOn],
      users: s.users, billable: s.billable, unitPrice: s.unitPrice, sloLatencyMs: s.sloLatencyMs, sloErrorRate: s.sloErrorRate,
    })),
    metrics: () => metrics.snapshot(now),
    actionLog: () => actuator.log(),
    changes: () => changeLog.map((c) => ({ ...c })),
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
  };
}
