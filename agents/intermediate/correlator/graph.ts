/** What the correlator needs to know about a service from the catalogue (SLOs when the catalogue has them). */
export interface ServiceInfo { dependsOn: readonly string[]; tier: string; sloLatencyMs?: number; sloErrorRate?: number }

/** Catalogue lookup (the live catalogue in the agent, a plain map in tests). */
export type Topology = (service: string) => ServiceInfo | undefined;

/** Every service `service` depends on, directly or transitively (cycle-safe, itself excluded). */
export function dependenciesOf(service: string, topology: Topology): Set<string> {
  const seen = new Set<string>();
  const stack = [...(topology(service)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === service || seen.has(next)) continue;
    seen.add(next);
    stack.push(...(topology(next)?.dependsOn ?? []));
  }
  return seen;
}

/** True when `a` and `b` lie on one dependency chain (one depends on the other, transitively). */
export function onOneChain(a: string, b: string, topology: Topology): boolean {
  if (a === b) return true;
  return dependenciesOf(a, topology).has(b) || dependenciesOf(b, topology).has(a);
}

/** True when some catalogued service depends (directly) on `service`. */
export function hasDependents(service: string, all: readonly string[], topology: Topology): boolean {
  return all.some((s) => s !== service && (topology(s)?.dependsOn ?? []).includes(service));
}

/** Tiers that mark a service we call but do not run (a partner API). */
export const EXTERNAL_TIERS: ReadonlySet<string> = new Set(['external', 'partner']);
