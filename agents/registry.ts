import type { AgentKind } from '../runtime/contracts/index.js';
import type { AgentDefinition } from '../runtime/host/define-agent.js';
import collector from './base/collector/index.js';
import filter from './base/filter/index.js';
import detector from './base/detector/index.js';
import aggregator from './intermediate/aggregator/index.js';
import correlator from './intermediate/correlator/index.js';
import predictor from './intermediate/predictor/index.js';
import strategist from './top/strategist/index.js';
import analyst from './top/analyst/index.js';
import orchestrator from './top/orchestrator/index.js';

/**
 * Every agent kind, listed once, in hierarchy order. The CLI, the supervisor, the README's
 * agent table and the conformance test read this list; nothing else imports an agent.
 */
export const agentDefinitions: readonly AgentDefinition[] = [
  collector, filter, detector, aggregator, correlator, predictor, strategist, analyst, orchestrator,
] as unknown as readonly AgentDefinition[];

export const agentKinds: readonly AgentKind[] = agentDefinitions.map((d) => d.kind);

/** The definition of a kind; throws with the list of kinds when unknown. */
export function definitionOf(kind: string): AgentDefinition {
  const def = agentDefinitions.find((d) => d.kind === kind);
  if (!def) throw new Error(`unknown agent kind '${kind}' (known: ${agentKinds.join(', ')})`);
  return def;
}

/** Kinds whose output this kind consumes: their watermarks drive its clock. */
export function upstreamKinds(def: AgentDefinition): AgentKind[] {
  if (def.clock === 'self') return [];
  const consumed = new Set(def.consumes);
  return agentDefinitions.filter((d) => d !== def && d.produces.some((s) => consumed.has(s))).map((d) => d.kind);
}

/** Kinds that consume what this kind produces: they follow its watermarks. */
export function downstreamKinds(def: AgentDefinition): AgentKind[] {
  return agentDefinitions.filter((d) => d !== def && upstreamKinds(d).includes(def.kind)).map((d) => d.kind);
}
