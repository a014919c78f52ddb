import { randomUUID } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ALL, Buckets, LEADER_LEASE_KEY, Subjects, check, simTick, type Action, type Alert, type Incident } from '../runtime/contracts/index.js';
import { applyDirective } from '../runtime/nats/directive-client.js';
import { currentLeader } from '../runtime/nats/leader.js';
import { errorMessage } from '../runtime/errors.js';
import type { LeaseRecord } from '../runtime/host/lease.js';
import { RETRY_HEADER } from '../runtime/host/durable-publish.js';
import { LeaseFence } from './lease-fence.js';
import { runReportFrom, type RunReport } from './report.js';
import { createWorld, type Scenario, type World } from './world.js';
import { assertSimulationFleet } from './live-guard.js';
import { FaultWatch, RunInterrupted } from './fault-watch.js';
import { WatermarkBoard, waitForOrchestrator } from './orchestrator-watermarks.js';

/** What the fleet did during a run, beside the model's own measurements. */
export interface FleetRun {
  report: RunReport;
  /** The begin-run id: incident and action ids of this run carry it. */
  runId: string;
  world: World;
  wallSeconds: number;
  alerts: number;
  impacts: number;
  incidents: Incident[];
  actionsReceived: Action[];
  /** Messages on the subjects the run listens to that were not JSON or not the contract (skipped). */
  ignoredMessages: number;
  /** Actions the fence refused: decided under an older lease revision than the current leader's (every attempt's). */
  refusedActions: RefusedAction[];
  /** Attempts given up because of a fault (an agent restarted, the broker connection lost), each played again from the start. */
  interrupted: { runId: string; reason: string; atS: number }[];
}

export interface RefusedAction { actionId: string; leaseRevision: number | null; reason: string }

export interface FleetRunOptions {
  seed?: number;
  /** Called about once a second with the world, for a progress display. */
  onProgress?(world: World, wallSeconds: number): void;
  /** Fails when the orchestrator's watermark does not reach a tick within this long (wall ms). */
  stallTimeoutMs?: number;
  /** Overrides the scenario's `pipeline` (ticks the simulator may run ahead of the orchestrator). */
  pipeline?: number;
  /** Wall milliseconds to wait between ticks, to watch a run live (default 0: as fast as the fleet goes). */
  tickDelayMs?: number;
  /**
   * Attempts a run may lose to faults before it fails (default 3). 0: a fault never interrupts
   * the run, the fleet's own recovery (a standby orchestrator, restored snapshots) decides it.
   */
  maxReplays?: number;
  /** How long the fleet may take to come back after a fault (wall ms, default 120 s). */
  recoverTimeoutMs?: number;
  /** Called when a fault interrupts an attempt, before the run is played again from its start. */
  onInterrupt?(reason: string, atS: number): void;
}

const decoder = new TextDecoder();

/**
 * Plays a scenario through the running fleet (DESIGN §3): writes the scenario's services to
 * the catalogue, starts a run on every agent (begin-run directive: clocks at the start),
 * then for each tick publishes the model's readings on vigil.sim.tick and waits for the
 * leading orchestrator's watermark of that tick before computing the next one. Actions are
 * applied to the model by the sim actuator, which answers on vigil.action.result.<id>.
 */
export async function runThroughFleet(nc: NatsConnection, scenario: Scenario, opts: FleetRunOptions = {}): Promise<FleetRun> {
  await assertSimulationFleet(nc);
  const faults = new FaultWatch(nc, (opts.maxReplays ?? 3) > 0);
  const refused: RefusedAction[] = [];
  const interrupted: FleetRun['interrupted'] = [];
  try {
    for (;;) {
      await faults.beginAttempt();
      const attempt = { runId: `run-${randomUUID().slice(0, 8)}`, world: createWorld(scenario, { seed: opts.seed }) };
      try {
        // After a fault, the fleet may need a while to take directives again (JetStream recovering, a new leader).
        const beginUntil = interrupted.length > 0 ? Date.now() + (opts.recoverTimeoutMs ?? 120_000) : 0;
        const run = await playOnce(nc, scenario, opts, { ...attempt, beginUntil }, faults, refused);
        return { ...run, interrupted };
      } catch (err) {
        if (!(err instanceof RunInterrupted)) throw err;
        const atS = (attempt.world.now() - attempt.world.startTs) / 1000;
        interrupted.push({ runId: attempt.runId, reason: err.message, atS });
        if (interrupted.length > (opts.maxReplays ?? 3)) throw new Error(`the run was interrupted ${interrupted.length} times; last: ${err.message}`);
        opts.onInterrupt?.(err.message, atS);
        await faults.recovered(Date.now(), opts.recoverTimeoutMs ?? 120_000);
      }
    }
  } finally {
    faults.stop();
  }
}

/**
 * One attempt at a run. The decisions of a run come from an attempt no fault touched: the
 * fleet is deterministic for a seed, so an attempt played again from the start on a recovered
 * fleet decides what an undisturbed run decides (the start is the only checkpoint today).
 */
async function playOnce(
  nc: NatsConnection, scenario: Scenario, opts: FleetRunOptions, attempt: { runId: string; world: World; beginUntil: number },
  faults: FaultWatch, refusedActions: RefusedAction[],
): Promise<Omit<FleetRun, 'interrupted'>> {
  const { runId, world } = attempt;
  await guarded(faults, () => retrying(attempt.beginUntil, 'the catalogue not written', () => writeCatalog(nc, world)));
  await guarded(faults, () => retrying(attempt.beginUntil, 'begin-run not applied', (n) => beginRun(nc, world.startTs, runId, n)));

  const onsetTs = scenario.expect.onsetS === null ? world.startTs : world.startTs + scenario.expect.onsetS * 1000;
  const incidents = new Map<string, Incident>();
  const actionsReceived: Action[] = [];
  let detectedAt: number | null = null;
  /** The earliest reaction after the onset, whatever order the messages arrive in. */
  const detected = (ts: number): void => {
    if (ts >= onsetTs && (detectedAt === null || ts < detectedAt)) detectedAt = ts;
  };
  let alerts = 0;
  let impacts = 0;
  const watermarks = new WatermarkBoard();
  const subs: Subscription[] = [];
  let ignored = 0;
  const seenIds = new Set<string>();
  const listen = <T>(subject: string, schema: Parameters<typeof check>[0], fn: (m: T, subject: string) => void): void => {
    subs.push(nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        // An event re-sent for its stream (runtime/host/durable-publish.ts) keeps its Nats-Msg-Id:
        // counted once, whether the original or only the copy came through a dying node.
        const msgId = msg.headers?.get('Nats-Msg-Id');
        if (msgId) {
          if (seenIds.has(msgId)) return;
          seenIds.add(msgId);
        } else if (msg.headers?.has(RETRY_HEADER)) return;
        // A message that is not JSON, or not the contract, is no part of the run: skip it.
        let body: unknown;
        try { body = JSON.parse(decoder.decode(msg.data)); } catch { ignored++; return; }
        const result = check(schema, body);
        if (result.ok) fn(result.value as T, msg.subject); else ignored++;
      },
    }));
  };
  // Actions wait until the tick they are due at, so that when they apply depends on event time only.
  const pending: Action[] = [];
  // Fencing (DESIGN §7): an action from an orchestrator that no longer holds the lease is refused.
  const fence = new LeaseFence();
  const leaseWatch = await guarded(faults, () => watchLease(nc, fence));
  listen<Action>(Subjects.action.filter, Subjects.action.schema, (action) => {
    const refused = fence.admit(action);
    if (refused !== null) { refusedActions.push({ actionId: action.actionId, leaseRevision: action.leaseRevision ?? null, reason: refused }); return; }
    actionsReceived.push(action);
    pending.push(action);
    // Acting ahead of any alert (a forecast, a demand surge) counts as detecting, as the HPA's first decision does.
    if (!action.dryRun) detected(action.ts);
  });
  const applyDue = (upTo: number): void => {
    const due = pending.filter((a) => a.ts <= upTo);
    if (due.length === 0) return;
    pending.splice(0, pending.length, ...pending.filter((a) => a.ts > upTo));
    for (const action of due) {
      const result = world.apply(action, world.now());
      // The orchestrator learns the result with the next tick: stamped then, it is handled at the
      // same point of its clock however far along it already is.
      nc.publish(Subjects.actionResult.subject(action.actionId), JSON.stringify({ ...result, ts: world.now() + tickMs }));
    }
  };
  listen<Alert>(Subjects.alert.filter, Subjects.alert.schema, (alert) => {
    alerts++;
    if (alert.level === 'red') detected(alert.ts);
  });
  listen<unknown>(Subjects.impact.filter, Subjects.impact.schema, () => { impacts++; });
  listen<Incident>(Subjects.incident.filter, Subjects.incident.schema, (incident) => {
    incidents.set(incident.id, incident);
    detected(incident.ts);
  });
  listen<{ agentId: string; ts: number; run: string }>(Subjects.watermark.match('orchestrator'), Subjects.watermark.schema, (wm) => {
    if (wm.run === runId) watermarks.set(wm.agentId, wm.ts);
  });
  await nc.flush();

  const t0 = performance.now();
  let lastProgress = t0;
  let leader = await guarded(faults, () => currentLeader(nc));
  const tickMs = world.tickS * 1000;
  const ahead = Math.max(1, opts.pipeline ?? scenario.pipeline) * tickMs;
  const stallMs = opts.stallTimeoutMs ?? 30_000;
  // Ticks are core NATS: one in flight through a cluster node that dies is lost, and the run would
  // wait for it for ever. The latest is sent again while the fleet makes no progress (the collector
  // skips a tick it has seen).
  let lastTick = '';
  const resend = (): void => { if (lastTick) nc.publish(Subjects.simTick.subject(), lastTick); };
  try {
    while (!world.done()) {
      // Tick T may be computed once the orchestrator has seen T - pipeline ticks, and every action
      // it issued up to then is applied first (pipeline 1: strict lock-step).
      const next = world.now() + tickMs;
      if (next - ahead > world.startTs) {
        leader = await waitForOrchestrator(nc, watermarks, next - ahead, leader, stallMs, faults, resend);
        applyDue(next - ahead);
      }
      faults.check();
      const tick = world.step();
      lastTick = JSON.stringify(simTick(runId, tick.ts, tick.samples));
      nc.publish(Subjects.simTick.subject(), lastTick);
      if (opts.tickDelayMs) await new Promise((r) => setTimeout(r, opts.tickDelayMs));
      if (opts.onProgress && performance.now() - lastProgress > 1000) {
        lastProgress = performance.now();
        opts.onProgress(world, (lastProgress - t0) / 1000);
      }
    }
    leader = await waitForOrchestrator(nc, watermarks, world.now(), leader, stallMs, faults, resend);
    faults.check();
  } finally {
    for (const s of subs) s.unsubscribe();
    leaseWatch.stop();
  }
  const all = [...incidents.values()].sort((a, b) => a.openedAt - b.openedAt);
  const afterOnset = all.filter((i) => i.ts >= onsetTs);
  const rootCause = (afterOnset[0] ?? all[0])?.rootCause.service ?? null;
  return {
    report: runReportFrom(world, { detectedAt, rootCause }),
    runId, world, wallSeconds: (performance.now() - t0) / 1000, alerts, impacts, incidents: all, actionsReceived, ignoredMessages: ignored, refusedActions,
  };
}

/** Runs `step`; when it fails after a fault, the attempt is interrupted (RunInterrupted), not failed. */
async function guarded<T>(faults: FaultWatch, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof RunInterrupted) throw err;
    if (faults.fault() !== null) throw new RunInterrupted(`${faults.fault()} (${errorMessage(err)})`);
    throw err;
  }
}

/** Follows the leader lease (bucket vigil-lease): each new revision raises the fence's floor. */
async function watchLease(nc: NatsConnection, fence: LeaseFence): Promise<{ stop(): void }> {
  const kv = await new Kvm(nc).open(Buckets.lease);
  const watcher = await kv.watch({ key: LEADER_LEASE_KEY });
  void (async () => {
    for await (const e of watcher) {
      if (e.operation !== 'PUT') continue;
      try {
        const revision = e.json<LeaseRecord>().revision;
        if (typeof revision === 'number') fence.observeLease(revision);
      } catch (err) {
        ignoredLease(errorMessage(err));
      }
    }
  })();
  return { stop: () => watcher.stop() };
}

/** An unreadable lease record: the fence keeps its floor (actions still raise it). */
function ignoredLease(reason: string): void {
  process.emitWarning(`vigil sim: unreadable leader lease record ignored (${reason})`);
}

async function writeCatalog(nc: NatsConnection, world: World): Promise<void> {
  const kv = await new Kvm(nc).open(Buckets.catalog);
  const keep = new Set(world.catalog().map((e) => e.service));
  for await (const key of await kv.keys()) if (!keep.has(key)) await kv.delete(key);
  for (const entry of world.catalog()) await kv.put(entry.service, JSON.stringify(entry));
}

/** begin-run on every live agent, through the leading orchestrator; fails naming those that did not acknowledge. */
async function beginRun(nc: NatsConnection, startTs: number, runId: string, attempt: number): Promise<void> {
  await applyDirective(nc, 'begin-run', { runId, startTs }, { tier: ALL, kind: ALL, agentId: ALL }, 'sim', `${runId}-begin-${attempt}`);
}

/** Runs `step` (attempt 1, 2, ...) until it succeeds or, once `until` (wall ms) has passed, fails with its error. */
async function retrying<T>(until: number, what: string, step: (attempt: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await step(n);
    } catch (err) {
      if (Date.now() > until) throw err;
      process.emitWarning(`vigil sim: ${what} yet after a fault (${errorMessage(err)}); retrying`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
