/** JetStream streams and KV buckets of the fleet; `vigil up` creates them (runtime/nats/setup.ts). */
export const Buckets = {
  agents: 'vigil-agents',       // registry: key = agentId -> RegistryEntry
  state: 'vigil-state',         // last inspectable state: key = agentId
  config: 'vigil-config',       // live configuration changed by directives: key = agentId
  catalog: 'vigil-catalog',     // service catalogue: key = service -> CatalogEntry
  snapshots: 'vigil-snapshots', // persisted xstate snapshots: key = machine run id
  lease: 'vigil-lease',         // orchestrator leader lease
  alerts: 'vigil-alerts',       // alert lifecycle (owner: aggregator): key = alert id ('.' for ':') -> AlertRecord
} as const;

/**
 * Key of an agent's entry in the registry, state and config buckets: `<kind>.<agentId>`, so that
 * nats.conf can give each role write access to its own kind's keys only.
 */
export function agentKey(kind: string, agentId: string): string {
  return `${kind}.${agentId}`;
}

export const Streams = {
  events: { name: 'VIGIL_EVENTS', subjects: ['vigil.alert.>', 'vigil.incident.>', 'vigil.impact.>'] },
  actions: { name: 'VIGIL_ACTIONS', subjects: ['vigil.action.>'] },
  control: { name: 'VIGIL_CONTROL', subjects: ['vigil.directive.>', 'vigil.ack.>'] },
  audit: { name: 'VIGIL_AUDIT', subjects: ['vigil.audit.>'] },
  dlq: { name: 'VIGIL_DLQ', subjects: ['vigil.dlq.>'] },
  /** The aggregator's windows, kept so that the dashboard and post-incident reports can chart a past run. */
  series: { name: 'VIGIL_SERIES', subjects: ['vigil.agg.>'] },
} as const;
