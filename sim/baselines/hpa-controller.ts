/**
 * A minimal Horizontal Pod Autoscaler, as Kubernetes' defaults behave (autoscaling/v2):
 * desired = ceil(current x observed / target) on mean CPU, no change within the tolerance,
 * unready pods counted at 0 % when scaling up, scale-up limited to max(+100 %, +4 pods) per
 * period, scale-down to the highest recommendation of the stabilisation window (300 s),
 * clamped to [min, max], evaluated every `syncS`. Pure: time is passed in.
 */
export interface HpaConfig {
  targetCpu: number;
  tolerance: number;
  syncS: number;
  scaleUpStabilisationS: number;
  scaleDownStabilisationS: number;
}

/** Kubernetes defaults: 70 % CPU target, tolerance 0.1, sync 15 s, stabilisation 0 s up / 300 s down. */
export const defaultHpaConfig: HpaConfig = {
  targetCpu: 70, tolerance: 0.1, syncS: 15, scaleUpStabilisationS: 0, scaleDownStabilisationS: 300,
};

/** What the HPA reads about one workload at a sync. */
export interface HpaObservation {
  /** Replicas running or booting. */
  replicas: number;
  /** Ready replicas. */
  ready: number;
  /** Mean CPU over the ready replicas, percent. */
  readyCpu: number;
  min: number;
  max: number;
}

/** The HPA over any number of workloads (one state per workload name). */
export interface HpaController {
  /** Returns the new replica count when the HPA scales at `now` (ms), else null. */
  decide(workload: string, obs: HpaObservation, now: number): number | null;
}

interface WorkloadState { lastSync: number; recommendations: { at: number; value: number }[] }

/** The raw recommendation before stabilisation and rate limits. */
export function hpaRecommendation(obs: HpaObservation, cfg: HpaConfig): number {
  if (obs.ready === 0) return obs.replicas;
  const ratio = obs.readyCpu / cfg.targetCpu;
  if (Math.abs(ratio - 1) <= cfg.tolerance) return obs.replicas;
  if (ratio > 1 && obs.ready < obs.replicas) {
    // Unready pods count as 0 % when scaling up: recompute the ratio over all replicas.
    const damped = (obs.readyCpu * obs.ready) / (cfg.targetCpu * obs.replicas);
    if (damped <= 1 + cfg.tolerance) return obs.replicas;
    return Math.ceil(obs.replicas * damped);
  }
  return Math.ceil(obs.ready * ratio);
}

/** Creates an HPA; each workload keeps its own sync time and recommendation history. */
export function createHpaController(cfg: HpaConfig = defaultHpaConfig): HpaController {
  const workloads = new Map<string, WorkloadState>();
  return {
    decide(workload, obs, now) {
      let w = workloads.get(workload);
      if (!w) { w = { lastSync: -Infinity, recommendations: [] }; workloads.set(workload, w); }
      if (now - w.lastSync < cfg.syncS * 1000) return null;
      w.lastSync = now;
      const raw = Math.min(obs.max, Math.max(obs.min, hpaRecommendation(obs, cfg)));
      w.recommendations.push({ at: now, value: raw });
      const keepMs = Math.max(cfg.scaleDownStabilisationS, cfg.scaleUpStabilisationS) * 1000;
      w.recommendations = w.recommendations.filter((r) => now - r.at <= keepMs);
      let desired = raw;
      if (raw < obs.replicas) {
        const window = w.recommendations.filter((r) => now - r.at <= cfg.scaleDownStabilisationS * 1000);
        desired = Math.min(obs.replicas, Math.max(...window.map((r) => r.value)));
      } else if (raw > obs.replicas) {
        const window = w.recommendations.filter((r) => now - r.at <= cfg.scaleUpStabilisationS * 1000);
        desired = Math.max(obs.replicas, Math.min(...window.map((r) => r.value)));
        desired = Math.min(desired, Math.max(obs.replicas * 2, obs.replicas + 4));
      }
      desired = Math.min(obs.max, Math.max(obs.min, desired));
      return desired === obs.replicas ? null : desired;
    },
  };
}
