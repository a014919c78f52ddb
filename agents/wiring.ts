import type { AgentKind } from '../runtime/contracts/index.js';
import type { AgentDefinition } from '../runtime/host/define-agent.js';

/** What an agent process knows before it loads its kind. */
export interface KindWiring {
  /** The module that defines the kind (its default export). */
  load(): Promise<{ default: unknown }>;
  /** Kinds whose watermarks drive its clock (agents/registry.ts: upstreamKinds). */
  upstream: readonly AgentKind[];
  /** True when some kind follows this kind's watermarks (registry: downstreamKinds). */
  downstream: boolean;
}

/**
 * The wiring of every kind, so that an agent process loads its own kind's module only: a
 * process that loaded all nine (xstate, the policies, the brains of the others) held ~3 MB
 * more resident. agents/registry.ts stays the one definition of the kinds; this table is what
 * it computes, and test/unit/agent-wiring.test.ts fails (saying which line to change) when the
 * two differ.
 */
export const agentWiring: Readonly<Record<AgentKind, KindWiring>> = {
  collector: { load: () => import('./base/collector/index.js'), upstream: [], downstream: true },
  filter: { load: () => import('./base/filter/index.js'), upstream: ['collector'], downstream: true },
  detector: { load: () => import('./base/detector/index.js'), upstream: ['filter'], downstream: true },
  aggregator: { load: () => import('./intermediate/aggregator/index.js'), upstream: ['collector', 'filter', 'detector'], downstream: true },
  correlator: { load: () => import('./intermediate/correlator/index.js'), upstream: ['collector', 'detector', 'aggregator'], downstream: true },
  predictor: { load: () => import('./intermediate/predictor/index.js'), upstream: ['aggregator'], downstream: true },
  strategist: { load: () => import('./top/strategist/index.js'), upstream: ['aggregator', 'correlator', 'predictor'], downstream: true },
  analyst: { load: () => import('./top/analyst/index.js'), upstream: ['aggregator', 'correlator', 'strategist', 'orchestrator'], downstream: false },
  orchestrator: { load: () => import('./top/orchestrator/index.js'), upstream: ['aggregator', 'correlator', 'predictor', 'strategist'], downstream: true },
};

/** The definition of one kind, loaded alone; throws with the list of kinds when unknown. */
export async function loadKind(kind: string): Promise<{ def: AgentDefinition; wiring: KindWiring }> {
  if (!Object.hasOwn(agentWiring, kind)) throw new Error(`unknown agent kind '${kind}' (known: ${Object.keys(agentWiring).join(', ')})`);
  const wiring = agentWiring[kind as AgentKind];
  const def = (await wiring.load()).default as AgentDefinition;
  if (def.kind !== kind) throw new Error(`agents/wiring.ts: the module of '${kind}' defines '${def.kind}'`);
  return { def, wiring };
}
