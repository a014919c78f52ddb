/**
 * The corrective actions the orchestrator may ask the actuator to apply (seed 001 §3.2 and
 * §3.4.1), each with the action that undoes it. One list, read by the policies, the
 * actuator in sim/ and the contracts' schema.
 */
export const ActionTypes = {
  'scale-out': { undo: 'scale-in', help: 'add instances (params.instances = target count)' },
  'scale-in': { undo: 'scale-out', help: 'remove instances (params.instances = target count)' },
  'scale-up': { undo: 'scale-down', help: 'more CPU/memory per instance (params.size = target size factor)' },
  'scale-down': { undo: 'scale-up', help: 'less CPU/memory per instance (params.size)' },
  restart: { undo: null, help: 'restart unresponsive or leaking instances' },
  'cache-flush': { undo: null, help: 'flush non-essential caches and collect garbage' },
  reroute: { undo: 'reroute-restore', help: 'send traffic to alternative nodes' },
  'reroute-restore': { undo: 'reroute', help: 'restore the normal route' },
  'scale-workers': { undo: 'scale-workers', help: 'change queue workers (params.workers = target count)' },
  'circuit-breaker': { undo: 'circuit-close', help: 'open the circuit breaker / degraded mode' },
  'circuit-close': { undo: 'circuit-breaker', help: 'close the circuit breaker' },
  'rollback-deploy': { undo: 'redeploy', help: 'roll back to the stable version (params.version)' },
  redeploy: { undo: 'rollback-deploy', help: 'deploy a given version again (params.version)' },
  'block-ips': { undo: 'unblock-ips', help: 'block suspicious source addresses' },
  'unblock-ips': { undo: 'block-ips', help: 'lift an IP block' },
  'rate-limit': { undo: 'rate-limit-off', help: 'anti-DDoS rules: limit requests per source (params.rps)' },
  'rate-limit-off': { undo: 'rate-limit', help: 'lift the rate limit' },
  'kill-blocking-queries': { undo: null, help: 'kill the queries holding table locks' },
  'pool-resize': { undo: 'pool-resize', help: 'resize the DB connection pool (params.size = target slots)' },
  'cache-fallback': { undo: 'cache-fallback-off', help: 'serve a partner API from cache / offline mode' },
  'cache-fallback-off': { undo: 'cache-fallback', help: 'call the partner API again' },
  'isolate-data': { undo: null, help: 'isolate and rebuild corrupted data' },
} as const satisfies Record<string, { undo: string | null; help: string }>;

export type ActionTypeName = keyof typeof ActionTypes;
export const actionTypeNames = Object.keys(ActionTypes) as ActionTypeName[];
