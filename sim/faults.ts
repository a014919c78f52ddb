import type { FaultSpec } from './scenario-schema.js';
import { startRollout, type ServiceState } from './model/service-state.js';

/**
 * Starts a fault on a service: changes the model's parameters so the symptom emerges from the
 * model (a bad version errors, a leak fills memory, slow queries hold DB connections longer...).
 * A release (deploy, bad-deploy) rolls out over the service's deployS, instance after instance.
 * Returns a change event for a deploy (the CI/CD feed), else null.
 */
export function startFault(s: ServiceState, f: FaultSpec, at: number): { kind: 'deploy'; version: string } | null {
  switch (f.type) {
    case 'deploy': case 'bad-deploy':
      s.versions.set(f.version, f.type === 'deploy' ? { errorPct: 0, latencyFactor: 1 } : { errorPct: f.errorRatePct, latencyFactor: f.latencyFactor });
      s.stableVersion = s.version;
      startRollout(s, f.version, at, s.spec.deployS);
      return { kind: 'deploy', version: f.version };
    case 'memory-leak': s.leakPctPerMin = f.pctPerMin; break;
    case 'slow-queries': s.slowFactor = f.factor; break;
    case 'blocking-queries': s.blockingMs = f.latencyMs; break;
    case 'partner-timeout': s.partnerHang = { errorPct: f.errorRatePct, hangMs: f.latencyMs }; break;
    case 'node-degraded': s.nodeDegradedMs = f.latencyMs; break;
    case 'data-corruption': s.corruptionPct = f.errorRatePct; break;
    case 'cpu-hog': s.cpuCostFactor = f.factor; break;
  }
  return null;
}

/** Ends a fault that heals by itself (`durationS` elapsed). A deploy, bad or not, stays until another one. */
export function endFault(s: ServiceState, f: FaultSpec): void {
  switch (f.type) {
    case 'memory-leak': s.leakPctPerMin = 0; break;
    case 'slow-queries': s.slowFactor = 1; break;
    case 'blocking-queries': s.blockingMs = 0; break;
    case 'partner-timeout': s.partnerHang = null; break;
    case 'node-degraded': s.nodeDegradedMs = 0; break;
    case 'data-corruption': s.corruptionPct = 0; break;
    case 'cpu-hog': s.cpuCostFactor = 1; break;
    case 'deploy': case 'bad-deploy': break;
  }
}
