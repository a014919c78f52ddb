import type { ServiceState } from './service-state.js';

/**
 * Services ordered dependencies first (depth-first post-order, stable in declaration order).
 * Responses are computed in this order (a callee's latency feeds its callers) and traffic in
 * the reverse one (a caller's throughput feeds its callees). The graph is known to be acyclic
 * (scenario-check.ts).
 */
export function topologicalOrder(states: ServiceState[]): ServiceState[] {
  const byName = new Map(states.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const out: ServiceState[] = [];
  const visit = (s: ServiceState): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const d of s.spec.dependsOn) visit(byName.get(d)!);
    out.push(s);
  };
  for (const s of states) visit(s);
  return out;
}
