import { hostname } from 'node:os';
import { Kvm, type KV } from '@nats-io/kv';
import type { Static, TObject } from '@sinclair/typebox';
import { Buckets, Subjects, agentKey, type Directive, type Heartbeat, type RegistryEntry } from '../contracts/index.js';
import { EventClock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { connectNats, type NatsTarget } from '../nats/connect.js';
import { AgentBus } from './bus.js';
import { watchCatalog } from './catalog.js';
import { resolveConfig } from './config.js';
import type { AgentContext, AgentDefinition, AgentInstance, DirectiveOutcome } from './define-agent.js';
import { DirectiveDesk } from './directives.js';
import { registerService } from './service.js';
import { WatermarkTracker } from './watermarks.js';
import { EpochGate } from './epoch-gate.js';
import { serveAgentMetrics } from './metrics.js';
import { shardCount, type Partition } from './partition.js';

export interface StartOptions {
  agentId: string;
  nats: NatsTarget;
  log: Logger;
  /** Kinds whose watermarks drive this agent's clock (from the registry). */
  upstreamKinds: readonly string[];
  /** Whether any agent follows this one's watermarks (default true); none does for the analyst. */
  announceWatermarks?: boolean;
  /** Configuration overrides on top of the defaults and the stored configuration. */
  config?: unknown;
  heartbeatMs?: number;
  /** The supervisor that started this process, written in the registry (vigil down finds it there). */
  supervisorPid?: number;
  /**
   * How far (event-time ms) an input's time or an upstream watermark may run ahead of this
   * agent's clock; beyond it the message goes to the DLQ (a forged far-future time would
   * otherwise skip the clock). Default DEFAULT_MAX_SKEW_MS.
   */
  maxSkewMs?: number;
  /** An upstream agent silent this long (wall ms) no longer holds the clock back (default 10 s). */
  upstreamSilenceMs?: number;
  /** /metrics on a loopback port (port 0, the default: a free one, announced in the registry); false: none. */
  metrics?: { host?: string; port?: number } | false;
  /** This replica's share of the services, when its kind is partitioned and scaled out. */
  partition?: Partition;
  /** Replicas per scaled kind (VIGIL_REPLICAS): the clock waits for each upstream one; the data shards follow from them. */
  replicas?: Record<string, number>;
  /** Called once, when event time first moves forward (the agent has work to do). */
  onFirstEpoch?: () => void;
}

/** Default of StartOptions.maxSkewMs: ten minutes of event time. */
export const DEFAULT_MAX_SKEW_MS = 10 * 60_000;

/** A running agent: `stop` stops the brain, drains the connection and marks it down. */
export interface RunningAgent {
  agentId: string;
  stop(): Promise<void>;
  closed: Promise<void>;
}

/**
 * Starts one agent (STYLE §5): connect as the agent's user, resolve config, start the
 * brain's wiring, follow watermarks, take directives, register the NATS service, heartbeat.
 * The CLI, the supervisor's agent processes and the tests all go through here.
 */
export async function startAgent<C extends TObject>(def: AgentDefinition<C>, opts: StartOptions): Promise<RunningAgent> {
  const { agentId, log } = opts;
  const nc = await connectNats(opts.nats, agentId);
  const kvm = new Kvm(nc);
  const [registryKv, stateKv, configKv] = await Promise.all(
    // Direct gets (the buckets allow them, runtime/nats/setup.ts): nats.conf grants a role the
    // direct get of its own keys, not the stream API that reads any key.
    [Buckets.agents, Buckets.state, Buckets.config].map((b) => kvm.open(b, { allow_direct: true })),
  );
  const myKey = agentKey(def.kind, agentId);
  const stored = await readJson(configKv, myKey);
  let config: Static<C> = resolveConfig(def.kind, def.config, stored, opts.config);
  const counters: Record<string, number> = { in: 0, out: 0, dlq: 0, errors: 0 };
  const clock = new EventClock();
  const bus = new AgentBus(nc, agentId, def.kind, new Set(def.produces), counters, log);
  const gate = new EpochGate((kind) => opts.upstreamKinds.indexOf(kind));
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  /** Refuses an event time too far ahead of the clock (once the clock runs: a fresh agent joins any run). */
  const timeGuard = (ts: number): string | null => (clock.now() > 0 && ts > clock.now() + maxSkewMs
    ? `event time ${ts} is more than ${maxSkewMs} ms ahead of this agent's clock (${clock.now()})`
    : null);
  if (def.clock === 'upstream') bus.gateInputs(gate, opts.upstreamKinds, timeGuard);
  if (def.partitionBy === 'service' && opts.partition && opts.partition.count > 1) bus.partitionInputs(opts.partition);
  const catalog = await watchCatalog(nc, log);
  const tracker = new WatermarkTracker(opts.upstreamKinds, opts.replicas);
  const metrics = opts.metrics === false ? null : await serveAgentMetrics({
    agentId, kind: def.kind, tier: def.tier, counters,
    eventTimeMs: () => clock.now(), lagMs: () => Math.max(0, tracker.highest() - clock.now()), heldMessages: () => gate.size(),
  }, { ...opts.metrics, log });
  if (metrics) bus.observeWith(metrics.observer);

  let connected = true;
  /** The simulated run the clock belongs to (begin-run); '' when live. */
  let run = '';
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') { connected = false; log.warn({ server: s.server }, 'NATS unreachable: reconnecting'); }
      if (s.type === 'reconnect') { connected = true; log.info({ server: s.server }, 'NATS reachable again'); }
    }
  })();
  const announce = opts.announceWatermarks ?? true;
  const announceWatermark = (ts: number): void => {
    if (announce) bus.publish(Subjects.watermark, [def.kind, agentId], { agentId, kind: def.kind, ts, run });
  };
  /**
   * One epoch, ending at `end`: timers due by then fire, the epoch's inputs are handled at its
   * end time (so whatever they produce is stamped no later than the watermark that follows
   * it), then onWatermark, then the watermark goes downstream. The collector, whose clock
   * follows its own source, steps through here too (its inputs are never held).
   */
  let firstEpoch = opts.onFirstEpoch;
  const stepTo = (end: number): void => {
    if (end <= clock.now()) { gate.release(end); return; }
    if (firstEpoch) { const first = firstEpoch; firstEpoch = undefined; first(); }
    clock.advance(end);
    gate.release(end);
    instance.onWatermark?.(end);
    announceWatermark(end);
  };
  const ctx: AgentContext = {
    agentId, kind: def.kind, tier: def.tier, bus, clock, log, catalog, counters, advanceClock: stepTo, nats: nc,
    shards: shardCount(opts.replicas ?? {}),
    connected: () => connected,
    saveState: async (key, value) => { await stateKv.put(`${myKey}.${key}`, JSON.stringify(value)); },
    loadState: async <T>(key: string) => (await readJson(stateKv, `${myKey}.${key}`)) as T | undefined,
    publishDirective: (to, directive) => {
      bus.publish(Subjects.directive, [to.tier, to.kind, to.agentId], directive);
    },
  };
  const instance: AgentInstance<Static<C>> = await def.start(ctx, config);

  /** Wall time each upstream agent was last heard from: a silent one stops holding the clock back. */
  const heardFrom = new Map<string, number>();
  const silenceMs = opts.upstreamSilenceMs ?? 10_000;
  const forgetSilent = (): void => {
    for (const [source, at] of heardFrom) {
      if (Date.now() - at < silenceMs) continue;
      heardFrom.delete(source);
      tracker.forget(source);
      counters.forgottenUpstream = (counters.forgottenUpstream ?? 0) + 1;
      log.warn({ source }, 'upstream agent silent: its watermark no longer holds the clock');
    }
  };
  if (def.clock === 'upstream') {
    // Only the upstream kinds' watermarks: every agent publishes one per tick. A watermark must
    // name the agent and kind of its subject (nats.conf lets a role publish only its own kind's).
    const watermarkGuard = (wm: { agentId: string; kind: string; ts: number }, tokens: Record<string, string>): string | null => {
      if (wm.agentId !== tokens.agentId || wm.kind !== tokens.kind) return `watermark of ${wm.kind}/${wm.agentId} on the subject of ${tokens.kind}/${tokens.agentId}`;
      return timeGuard(wm.ts);
    };
    for (const kind of opts.upstreamKinds) {
      bus.on(Subjects.watermark, (wm) => {
        heardFrom.set(wm.agentId, Date.now());
        if (wm.run !== run) {
          // A process that has not moved its clock yet (restarted mid-run) joins the run it hears;
          // otherwise a watermark of another run (sent before its agent took the begin-run) means nothing.
          if (clock.now() !== 0) { counters.staleWatermarks = (counters.staleWatermarks ?? 0) + 1; return; }
          run = wm.run;
        }
        gate.watermark(wm.agentId, wm.ts);
        const low = tracker.observe(wm.kind, wm.agentId, wm.ts);
        if (low !== null && low > clock.now()) {
          // Step through every epoch the low watermark now covers, so that what an agent does
          // never depends on how many epochs one watermark happened to cover.
          for (const end of gate.stepsUpTo(low)) stepTo(end);
          stepTo(low);
        }
      }, { subject: Subjects.watermark.match(kind), gated: false, guard: watermarkGuard });
    }
  }

  const desk = new DirectiveDesk(bus, { agentId, kind: def.kind, tier: def.tier }, log, {
    apply: async (d: Directive) => {
      // A directive that names the event time it takes effect at waits for it on this agent's
      // clock, so that where it lands among the inputs does not depend on delivery timing.
      const at = d.params.effectiveAt;
      if (typeof at === 'number' && d.type !== 'begin-run' && at > clock.now()) {
        clock.at(at, () => {
          applyDirective(d).then(
            (o) => log.info({ directiveId: d.directiveId, status: o.status, detail: o.detail }, 'scheduled directive applied'),
            (err) => log.error({ directiveId: d.directiveId, err: errorMessage(err) }, 'scheduled directive failed'),
          );
        });
        return { status: 'applied', detail: `takes effect at ${new Date(at).toISOString()}` };
      }
      return applyDirective(d);
    },
  });
  async function applyDirective(d: Directive): Promise<DirectiveOutcome> {
    if (d.type === 'begin-run') {
      const startTs = Number(d.params.startTs);
      if (!Number.isInteger(startTs) || startTs < 0) return { status: 'rejected', detail: 'params.startTs must be an integer ms timestamp' };
      // The simulator writes the run's catalogue before begin-run: read it now, not at the next poll.
      await catalog.refresh();
      run = String(d.params.runId ?? '');
      tracker.reset();
      gate.reset();
      clock.reset(startTs);
      const runConfig = instance.reset?.(startTs, run);
      if (runConfig) await applyConfig(runConfig, true);
      return { status: 'applied', detail: `clock at ${new Date(startTs).toISOString()}` };
    }
    if (d.type === 'set-config') return applyConfig(d.params.patch);
    if (!instance.directive) return { status: 'rejected', detail: `${def.kind} does not handle ${d.type}` };
    // No await before the configuration changes: a scheduled directive must take effect
    // synchronously inside the clock step that fired it.
    const maybe = instance.directive(d);
    const outcome = maybe instanceof Promise ? await maybe : maybe;
    if (outcome.status === 'applied' && outcome.config !== undefined) {
      const applied = await applyConfig(outcome.config, true);
      return { ...applied, detail: outcome.detail ?? applied.detail };
    }
    return outcome;
  }
  async function applyConfig(patch: unknown, replace = false): Promise<{ status: 'applied' | 'rejected'; detail?: string }> {
    try {
      config = replace ? resolveConfig(def.kind, def.config, patch) : resolveConfig(def.kind, def.config, config, patch);
    } catch (err) {
      return { status: 'rejected', detail: errorMessage(err) };
    }
    instance.reconfigure?.(config);
    await configKv.put(myKey, JSON.stringify(config));
    return { status: 'applied', detail: 'configuration updated' };
  }
  desk.listen();

  const service = await registerService(nc, { kind: def.kind, agentId, tier: def.tier }, {
    state: () => instance.inspect(),
    health: () => heartbeat(),
    config: () => config,
  }, instance.endpoints ?? {}, log, () => ({ ...counters }));

  const startedAt = Date.now();
  const heartbeat = (): Heartbeat => {
    const health = instance.health?.() ?? { status: 'healthy' as const };
    return {
      agentId, kind: def.kind, tier: def.tier, pid: process.pid, status: health.status,
      wallTs: Date.now(), eventTs: clock.now(), lagMs: Math.max(0, tracker.highest() - clock.now()), counters: { ...counters },
      ...(health.detail ? { detail: health.detail.slice(0, 1000) } : {}),
    };
  };
  const beat = async (): Promise<void> => {
    forgetSilent();
    const hb = heartbeat();
    bus.publish(Subjects.heartbeat, [def.kind, agentId], hb);
    // Re-announce the watermark so that a restarted downstream agent catches up without new input.
    if (clock.now() > 0) announceWatermark(clock.now());
    const entry: RegistryEntry = {
      agentId, kind: def.kind, tier: def.tier, pid: process.pid, host: hostname(), startedAt,
      lastHeartbeat: hb.wallTs, status: hb.status, eventTs: hb.eventTs, lagMs: hb.lagMs,
      ...(metrics ? { metricsPort: metrics.port } : {}),
      ...(hb.detail ? { detail: hb.detail } : {}),
      ...(opts.supervisorPid ? { supervisorPid: opts.supervisorPid } : {}),
    };
    await registryKv.put(myKey, JSON.stringify(entry));
    await stateKv.put(myKey, JSON.stringify(instance.inspect() ?? null));
  };
  const timer = setInterval(() => {
    beat().catch((err) => { counters.errors++; log.warn({ err: errorMessage(err) }, 'heartbeat failed'); });
  }, opts.heartbeatMs ?? 1000);
  await beat();
  log.info({ agentId, upstream: opts.upstreamKinds }, 'agent started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timer);
      await instance.stop?.();
      await service.stop().catch((err) => log.warn({ err: errorMessage(err) }, 'service stop failed'));
      const last = { ...heartbeat(), status: 'down' as const };
      await registryKv.put(myKey, JSON.stringify({
        agentId, kind: def.kind, tier: def.tier, pid: process.pid, host: hostname(), startedAt,
        lastHeartbeat: last.wallTs, status: 'down', eventTs: last.eventTs, lagMs: last.lagMs,
      } satisfies RegistryEntry)).catch((err) => log.warn({ err: errorMessage(err) }, 'registry update failed'));
      catalog.stop();
      await metrics?.close();
      bus.close();
      await nc.drain();
      log.info({ agentId }, 'agent stopped');
    })();
    return stopping;
  };
  return { agentId, stop, closed: nc.closed().then(() => undefined) };
}

async function readJson(kv: KV, key: string): Promise<unknown> {
  const entry = await kv.get(key);
  if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
  return entry.json();
}
