/**
 * The suite's ground truth: which actions were wrong (harmful) and which scaling decisions were
 * reversed, judged from what the scenario really did (its faults and load events), not from
 * what any agent believed.
 */
import type { ActionLogEntry } from '../actuator.js';
import type { Scenario } from '../scenario-schema.js';
import type { ChangeEvent } from '../timeline.js';

/** One harmful action, with why. */
export interface Harm { type: string; service: string; t: number; why: string }

/** Seconds an attack's effects may outlast its end (blocks and rate limits lifted a little late are fine). */
const ATTACK_TAIL_S = 600;
/** A scale-out and a scale-in of the same service this close together (seconds) are a reversal. */
export const REVERSAL_S = 1200;

/** Every service `service` depends on, directly or not. */
function dependencies(s: Scenario, service: string, seen = new Set<string>()): Set<string> {
  for (const d of s.services.find((x) => x.service === service)?.dependsOn ?? []) {
    if (!seen.has(d)) { seen.add(d); dependencies(s, d, seen); }
  }
  return seen;
}

/** Whether traffic entering at `entry` reaches `service` (itself or through its calls). */
const reaches = (s: Scenario, entry: string, service: string): boolean => entry === service || dependencies(s, entry).has(service);

/**
 * Whether something happens to `service`: a fault on it or on what it calls, or a change of the
 * load it receives (a load event or daily cycle at an entry it is reached from, or a fault that
 * changes the throughput of a service that calls it).
 */
function affected(s: Scenario, service: string): boolean {
  const deps = dependencies(s, service);
  const hit = (fault: string): boolean => {
    const callers = s.services.filter((x) => dependencies(s, x.service).has(fault)).map((x) => x.service);
    return [fault, ...callers].some((a) => a === service || dependencies(s, a).has(service));
  };
  if (s.faults.some((f) => f.type !== 'deploy' && (deps.has(f.service) || hit(f.service)))) return true;
  if (s.load.diurnalAmplitude > 0) return true;
  return s.load.events.some((e) => reaches(s, e.service, service));
}

const attackOn = (s: Scenario, service: string, t: number): boolean => s.load.events.some((e) => e.type === 'attack' && e.service === service
  && t >= e.atS && t <= e.atS + e.rampS + e.holdS + e.decayS + ATTACK_TAIL_S);

/** The versions a bad deploy brought to a service. */
const badVersions = (s: Scenario, service: string): Set<string> =>
  new Set(s.faults.filter((f) => f.type === 'bad-deploy' && f.service === service).map((f) => f.version));

/**
 * The harmful actions of a run: a rollback with no bad deploy before it, a deploy of a version
 * known to be bad, a block or rate limit with no attack under way, and any action but a scale-in
 * on a service nothing happened to (no fault on it or on what it calls, no load change). A
 * scale-in on such a service only sizes it to its load: not counted here, its cost shows in the
 * SLO minutes if it was wrong.
 */
export function harmfulActions(s: Scenario, log: readonly ActionLogEntry[], changes: readonly ChangeEvent[], startMs: number): Harm[] {
  const out: Harm[] = [];
  for (const a of log) {
    if (a.status !== 'applied') continue;
    const harm = (why: string): void => { out.push({ type: a.type, service: a.service, t: a.t, why }); };
    if (a.type === 'rollback-deploy' && !s.faults.some((f) => f.type === 'bad-deploy' && f.service === a.service && f.atS <= a.t)) {
      harm('rollback of a healthy version');
    } else if ((a.type === 'block-ips' || a.type === 'rate-limit') && !attackOn(s, a.service, a.t)) {
      harm(`${a.type} with no attack under way`);
    } else if (a.type !== 'scale-in' && !affected(s, a.service)) {
      harm('action on a service with no fault and no load change');
    }
  }
  for (const c of changes) {
    const t = (c.ts - startMs) / 1000;
    const fault = s.faults.find((f) => f.type === 'bad-deploy' && f.service === c.service && f.atS === t);
    const version = /to (\S+)$/.exec(c.detail)?.[1];
    if (!fault && version && badVersions(s, c.service).has(version)) out.push({ type: 'deploy', service: c.service, t, why: `deploy of ${version}, known bad` });
  }
  return out;
}

/** Scale-outs followed by a scale-in of the same service (or the reverse) within REVERSAL_S. */
export function reversals(log: readonly ActionLogEntry[]): number {
  const last = new Map<string, { dir: number; t: number }>();
  let n = 0;
  for (const a of log) {
    if (a.status !== 'applied' || (a.type !== 'scale-out' && a.type !== 'scale-in')) continue;
    const dir = a.type === 'scale-out' ? 1 : -1;
    const prev = last.get(a.service);
    if (prev && prev.dir !== dir && a.t - prev.t <= REVERSAL_S) n++;
    last.set(a.service, { dir, t: a.t });
  }
  return n;
}
