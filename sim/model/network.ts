import type { ExternalLoad } from '../load/profile.js';
import { edgeFilter, flow, type Flow } from './flow.js';
import { edgeMode, respond, type DepEdge, type EdgeMode } from './respond.js';
import type { ServiceState } from './service-state.js';
import { topologicalOrder } from './topology.js';

/** The services wired by their dependencies: one call computes a tick for all of them. */
export interface Network {
  /**
   * Computes one tick ending at `ts` (ms) of `dtS` seconds: traffic flows from callers to callees
   * (pass 1), then latency and errors flow back from callees to callers (pass 2). Updates every
   * service's `last` view.
   */
  tick(ts: number, dtS: number, external: Map<string, ExternalLoad>): void;
}

interface Node { s: ServiceState; edges: DepEdge[]; inbound: { caller: Node; edge: DepEdge }[]; flow: Flow | null }

/** Wires the services once (edges are reused each tick; only their mode changes). */
export function createNetwork(states: ServiceState[]): Network {
  const nodes = new Map<string, Node>(states.map((s) => [s.name, { s, edges: [], inbound: [], flow: null }]));
  for (const n of nodes.values()) {
    n.edges = n.s.spec.dependsOn.map((d) => ({ dep: nodes.get(d)!.s, calls: n.s.spec.calls?.[d] ?? 1, mode: 'call' as EdgeMode }));
    for (const e of n.edges) nodes.get(e.dep.name)!.inbound.push({ caller: n, edge: e });
  }
  const plan = topologicalOrder(states).map((s) => nodes.get(s.name)!);
  return {
    tick(ts, dtS, external) {
      for (let k = plan.length - 1; k >= 0; k--) {
        const n = plan[k];
        const ext = external.get(n.s.name);
        const edge = ext ? edgeFilter(n.s, ext.legit, ext.attack, ext.sources) : null;
        n.s.edge = edge ? { heavySharePct: edge.heavySharePct, medianSourceRps: edge.medianSourceRps } : null;
        let legit = ext ? ext.legit : 0;
        let attack = edge ? edge.attack : 0;
        for (const { caller, edge: e } of n.inbound) {
          if (e.mode !== 'call') continue;
          const cf = caller.flow!;
          legit += cf.processed * e.calls * cf.legitShare;
          attack += cf.processed * e.calls * (1 - cf.legitShare);
        }
        for (const e of n.edges) e.mode = edgeMode(n.s, e.dep);
        n.flow = flow(n.s, { legit, attack, topSourcesSharePct: edge ? edge.topSourcesSharePct : null }, ts, dtS);
      }
      for (const n of plan) n.s.last = respond(n.s, n.flow!, n.edges);
    },
  };
}
