import type { ActionTypeName } from '../runtime/contracts/actions.js';
import type { JsonObject } from '../runtime/contracts/primitives.js';
import { addInstances, isReady, removeInstances, type Instance, type ServiceState } from './model/service-state.js';

/** What the actuator needs from the world to apply an effect now or later. */
export interface EffectContext {
  /** Runs `fn` at the first tick at or after `at` (event time, ms). */
  schedule(at: number, fn: () => void): void;
  /** Records a change event (deploys), for the CI/CD-like feed. */
  change(ts: number, service: string, kind: string, detail: string): void;
}

/** An accepted effect: the fields it changes (merged over the before-snapshot) and when it holds. */
export interface Effect { changes: JsonObject; detail: string; effectiveInS: number }
/** A refused effect, with the reason. */
export interface Refusal { error: string }

/**
 * The state an action type changes, as a JSON snapshot (before/after of an ActionResult), keyed
 * by the parameter names its undo action takes, so that `{...before}` is a valid compensation
 * (e.g. pool-resize before = {size: 16} undoes as pool-resize {size: 16}).
 */
export function snapshotFor(type: ActionTypeName, s: ServiceState): JsonObject {
  switch (type) {
    case 'scale-out': case 'scale-in': return { instances: s.instances.length };
    case 'scale-up': case 'scale-down': return { size: s.size };
    case 'pool-resize': return { size: s.poolSize };
    case 'rollback-deploy': case 'redeploy': return { version: s.version };
    case 'scale-workers': return { workers: s.workers };
    case 'rate-limit': case 'rate-limit-off': return { rpsPerSource: s.rateLimitRps };
    case 'block-ips': case 'unblock-ips': return { ipBlocked: s.blockedSources !== null };
    case 'circuit-breaker': case 'circuit-close': return { breakerOpen: s.breakerOpen };
    case 'cache-fallback': case 'cache-fallback-off': return { fallback: s.fallback };
    case 'reroute': case 'reroute-restore': return { rerouted: s.rerouted };
    case 'restart': case 'cache-flush': return { instances: s.instances.length, memory: Math.round(s.last.memory * 10) / 10 };
    case 'kill-blocking-queries': return { dbLatencyMs: s.last.dbLatencyMs };
    case 'isolate-data': return { errorRate: s.last.errorRate };
  }
}

function num(params: JsonObject, key: string): number | undefined {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(params: JsonObject, key: string): string | undefined {
  const v = params[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** params.version, with the keywords 'stable' and 'previous' resolved. */
function versionParam(s: ServiceState, p: JsonObject): string | null | undefined {
  const v = str(p, 'version');
  return v === 'stable' ? s.stableVersion : v === 'previous' ? s.previousVersion : v;
}

type Handler = (s: ServiceState, p: JsonObject, now: number, ctx: EffectContext) => Effect | Refusal;

const later = (ctx: EffectContext, now: number, delayS: number, fn: () => void): void => ctx.schedule(now + delayS * 1000, fn);

function scaleTo(s: ServiceState, p: JsonObject, now: number, out: boolean): Effect | Refusal {
  const cur = s.instances.length;
  const delta = num(p, 'delta');
  const asked = num(p, 'instances') ?? (delta !== undefined ? cur + (out ? delta : -delta) : cur + (out ? 1 : -1));
  const target = Math.round(Math.min(s.spec.maxInstances, Math.max(s.minInstances, asked)));
  const clamp = target !== Math.round(asked) ? ` (asked ${asked}, bounds ${s.minInstances}-${s.spec.maxInstances})` : '';
  if (out ? target <= cur : target >= cur) {
    return { changes: { instances: cur }, detail: `already at ${cur} instances${clamp}`, effectiveInS: 0 };
  }
  if (out) addInstances(s, target - cur, now + s.spec.bootDelayS * 1000);
  else removeInstances(s, cur - target, now);
  const boot = out ? s.spec.bootDelayS : 0;
  return { changes: { instances: target }, detail: `${cur} -> ${target} instances${clamp}${out ? `, ready in ${boot} s` : ''}`, effectiveInS: boot };
}

function resize(s: ServiceState, p: JsonObject, now: number, ctx: EffectContext): Effect | Refusal {
  const size = num(p, 'size') ?? (num(p, 'factor') !== undefined ? s.size * num(p, 'factor')! : undefined);
  if (size === undefined || size < 0.25 || size > 16) return { error: 'params.size must be a size factor in 0.25-16' };
  later(ctx, now, s.spec.bootDelayS, () => { s.size = size; });
  return { changes: { size }, detail: `size ${s.size} -> ${size} by rolling replacement`, effectiveInS: s.spec.bootDelayS };
}

/** An instance restarted where it runs: down until `until`, its leak and freed cache gone. */
function restartInPlace(inst: Instance, until: number): void {
  inst.downUntil = until;
  inst.leakPct = 0;
  inst.cacheRelief = 0;
}

/**
 * Replaces one serving instance behind a fresh one: the fresh instance boots beside it and the
 * old one leaves once the new one serves. Should the replacement be gone by then (scaled in),
 * the old instance restarts in place.
 */
function replaceBehind(s: ServiceState, old: Instance, now: number, ctx: EffectContext): void {
  const boot = s.spec.bootDelayS;
  addInstances(s, 1, now + boot * 1000);
  later(ctx, now, boot, () => {
    const at = now + boot * 1000;
    if (s.instances.some((i) => i !== old && isReady(i, at))) s.instances = s.instances.filter((i) => i !== old);
    else restartInPlace(old, at + s.spec.restartS * 1000);
  });
}

/**
 * Kubernetes' default rolling update lets 25 % of the replicas be unavailable, rounded down:
 * none below four. Four and more restart in place, one at a time.
 */
const UNAVAILABLE_FROM = 4;

/**
 * A rolling restart of one to three serving instances, as Kubernetes runs one (maxUnavailable
 * rounds down to 0, maxSurge up to 1): each is replaced behind a fresh instance, in turn, so the
 * capacity serving never drops. Taking an only instance down would be an outage of restartS;
 * restarting one of two in place left its twin at twice its load.
 */
function replaceInTurn(s: ServiceState, serving: readonly Instance[], now: number, ctx: EffectContext): Effect {
  const boot = s.spec.bootDelayS;
  serving.forEach((inst, k) => {
    if (k === 0) replaceBehind(s, inst, now, ctx);
    else later(ctx, now, k * boot, () => replaceBehind(s, inst, now + k * boot * 1000, ctx));
  });
  const what = serving.length === 1 ? 'the only instance' : `${serving.length} instances, one at a time,`;
  return { changes: {}, detail: `restart of ${what} behind a replacement, ready in ${serving.length * boot} s`, effectiveInS: serving.length * boot };
}

function deploy(s: ServiceState, target: string | null | undefined, now: number, ctx: EffectContext, what: string): Effect | Refusal {
  if (!target) return { error: `${what}: no version to deploy (params.version)` };
  if (target === s.version) return { changes: {}, detail: `already on ${target}: nothing to do`, effectiveInS: 0 };
  later(ctx, now, s.spec.deployS, () => {
    s.previousVersion = s.version;
    s.version = target;
    s.rollout = null;
    ctx.change(now + s.spec.deployS * 1000, s.name, 'deploy', `${what} to ${target}`);
  });
  return { changes: { version: target }, detail: `${what} ${s.version} -> ${target}, done in ${s.spec.deployS} s`, effectiveInS: s.spec.deployS };
}

const handlers: Record<ActionTypeName, Handler> = {
  'scale-out': (s, p, now) => scaleTo(s, p, now, true),
  'scale-in': (s, p, now) => scaleTo(s, p, now, false),
  'scale-up': resize,
  'scale-down': resize,
  restart: (s, _p, now, ctx) => {
    const serving = s.instances.filter((i) => isReady(i, now));
    if (serving.length < UNAVAILABLE_FROM) return replaceInTurn(s, serving, now, ctx);
    const step = s.spec.restartS * 1000;
    serving.forEach((inst, k) => later(ctx, now, (k * step) / 1000, () => restartInPlace(inst, now + (k + 1) * step)));
    return { changes: {}, detail: `rolling restart of ${serving.length} instances, ${s.spec.restartS} s each`, effectiveInS: serving.length * s.spec.restartS };
  },
  'cache-flush': (s) => {
    for (const i of s.instances) i.cacheRelief = s.spec.cacheMemPct;
    return { changes: {}, detail: `freed ~${s.spec.cacheMemPct} memory points per instance`, effectiveInS: 0 };
  },
  reroute: (s, _p, now, ctx) => {
    later(ctx, now, 30, () => { s.rerouted = true; });
    return { changes: { rerouted: true }, detail: 'traffic moves to alternative nodes in 30 s', effectiveInS: 30 };
  },
  'reroute-restore': (s) => { s.rerouted = false; return { changes: { rerouted: false }, detail: 'normal route', effectiveInS: 0 }; },
  'scale-workers': (s, p) => {
    const w = num(p, 'workers') ?? (num(p, 'factor') !== undefined ? s.workers * num(p, 'factor')! : undefined);
    if (w === undefined || w < 1) return { error: 'params.workers (or factor) must give >= 1 worker' };
    s.workers = Math.round(w);
    return { changes: { workers: s.workers }, detail: `${s.workers} workers per instance`, effectiveInS: 0 };
  },
  'circuit-breaker': (s) => { s.breakerOpen = true; return { changes: { breakerOpen: true }, detail: 'failing dependencies short-circuited', effectiveInS: 0 }; },
  'circuit-close': (s) => { s.breakerOpen = false; return { changes: { breakerOpen: false }, detail: 'breaker closed', effectiveInS: 0 }; },
  'rollback-deploy': (s, p, now, ctx) => deploy(s, versionParam(s, p) ?? s.stableVersion, now, ctx, 'rollback'),
  redeploy: (s, p, now, ctx) => deploy(s, versionParam(s, p) ?? s.previousVersion, now, ctx, 'redeploy'),
  'block-ips': (s, p, now, ctx) => {
    const top = Math.max(1, Math.round(num(p, 'topSources') ?? 10));
    const forS = num(p, 'durationS');
    later(ctx, now, 15, () => { s.blockedSources = top; });
    if (forS !== undefined && forS > 0) later(ctx, now, 15 + forS, () => { s.blockedSources = null; });
    return {
      changes: { ipBlocked: true }, effectiveInS: 15,
      detail: `the ${top} busiest sources blocked in 15 s${forS ? ` for ${forS} s` : ''}`,
    };
  },
  'unblock-ips': (s) => { s.blockedSources = null; return { changes: { ipBlocked: false }, detail: 'block lifted', effectiveInS: 0 }; },
  'rate-limit': (s, p, now, ctx) => {
    const rps = num(p, 'rpsPerSource') ?? num(p, 'rps') ?? 20;
    if (rps <= 0) return { error: 'params.rpsPerSource must be > 0' };
    later(ctx, now, 10, () => { s.rateLimitRps = rps; });
    return { changes: { rpsPerSource: rps }, detail: `${rps} requests/s per source from +10 s`, effectiveInS: 10 };
  },
  'rate-limit-off': (s) => { s.rateLimitRps = null; return { changes: { rpsPerSource: null }, detail: 'rate limit lifted', effectiveInS: 0 }; },
  'kill-blocking-queries': (s, _p, now, ctx) => {
    later(ctx, now, 10, () => { s.blockingMs = 0; });
    return { changes: { dbLatencyMs: null }, detail: s.blockingMs > 0 ? 'blocking queries killed in 10 s' : 'no blocking query found', effectiveInS: 10 };
  },
  'pool-resize': (s, p, now, ctx) => {
    if (s.poolSize === null) return { error: `${s.name} has no connection pool` };
    const size = Math.round(num(p, 'size') ?? s.poolSize * (num(p, 'factor') ?? 1.5));
    if (size < 1) return { error: 'params.size must be >= 1' };
    later(ctx, now, 5, () => { s.poolSize = size; });
    return { changes: { size }, detail: `pool ${s.poolSize} -> ${size} slots in 5 s`, effectiveInS: 5 };
  },
  'cache-fallback': (s, _p, now, ctx) => {
    later(ctx, now, 5, () => { s.fallback = true; });
    return { changes: { fallback: true }, detail: 'partner calls served from cache in 5 s', effectiveInS: 5 };
  },
  'cache-fallback-off': (s) => { s.fallback = false; return { changes: { fallback: false }, detail: 'partner called again', effectiveInS: 0 }; },
  'isolate-data': (s, _p, now, ctx) => {
    later(ctx, now, 120, () => { s.corruptionPct = 0; });
    return { changes: {}, detail: 'corrupted data isolated and rebuilt in 120 s', effectiveInS: 120 };
  },
};

/** Applies the effect of an action type to a service (now or scheduled), or refuses it. */
export function applyEffect(type: ActionTypeName, s: ServiceState, params: JsonObject, now: number, ctx: EffectContext): Effect | Refusal {
  return handlers[type](s, params, now, ctx);
}
