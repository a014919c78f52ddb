import type { Scenario } from './scenario-schema.js';
import type { ServiceState } from './model/service-state.js';
import { dict } from '../runtime/dict.js';

/** What a run achieved so far. Money in the scenario's currency; times are event time (ms). */
export interface RunMetrics {
  simulatedSeconds: number;
  /** Minutes during which at least one of our services (partners excluded) breached its SLO. */
  sloViolationMinutes: number;
  sloViolationMinutesByService: Record<string, number>;
  /** Instance-minutes, booting instances included, weighted by the size factor. */
  instanceMinutes: number;
  instanceMinutesByService: Record<string, number>;
  /** Instance cost (instance-minutes x costPerInstanceMinute). */
  instanceCost: number;
  peakInstances: Record<string, number>;
  paidRequests: number;
  revenue: number;
  /** Paid requests that failed, or were served while the billable service breached its latency SLO, x unit price. */
  revenueLost: number;
  onsetTs: number | null;
  firstViolationTs: number | null;
  lastViolationTs: number | null;
  /** When SLOs were back (and then held for expect.holdS) after the onset; the onset itself if they never broke; else null. */
  mitigatedAt: number | null;
}

/** Accumulates RunMetrics tick by tick. */
export interface MetricsAccumulator {
  observe(ts: number, states: ServiceState[], dtS: number): void;
  snapshot(now: number): RunMetrics;
}

/** Creates an accumulator for a scenario (onset and hold time come from its `expect`). */
export function createMetricsAccumulator(scenario: Scenario): MetricsAccumulator {
  const onsetTs = scenario.expect.onsetS === null ? null : scenario.startMs + scenario.expect.onsetS * 1000;
  const holdMs = scenario.expect.holdS * 1000;
  const m: RunMetrics = {
    simulatedSeconds: 0, sloViolationMinutes: 0, sloViolationMinutesByService: dict(), instanceMinutes: 0,
    instanceMinutesByService: dict(), instanceCost: 0, peakInstances: dict(), paidRequests: 0, revenue: 0, revenueLost: 0,
    onsetTs, firstViolationTs: null, lastViolationTs: null, mitigatedAt: null,
  };
  let lastViolationAfterOnset: number | null = null;
  for (const s of scenario.services) {
    m.sloViolationMinutesByService[s.service] = 0;
    m.instanceMinutesByService[s.service] = 0;
    m.peakInstances[s.service] = s.instances;
  }
  return {
    observe(ts, states, dtS) {
      const minutes = dtS / 60;
      let violating = false;
      m.simulatedSeconds += dtS;
      for (const s of states) {
        const v = s.last;
        if (s.spec.kind === 'partner') continue;
        const im = s.instances.length * s.size * minutes;
        m.instanceMinutes += im;
        m.instanceMinutesByService[s.name] += im;
        m.instanceCost += im * s.spec.costPerInstanceMinute;
        m.peakInstances[s.name] = Math.max(m.peakInstances[s.name], s.instances.length);
        if (v.violating) {
          violating = true;
          m.sloViolationMinutesByService[s.name] += minutes;
        }
        if (s.spec.billable) {
          const paid = v.received * v.legitShare * dtS;
          const lostShare = v.latencyMs > s.spec.sloLatencyMs ? 1 : v.errorRate;
          m.paidRequests += paid;
          m.revenue += paid * (1 - lostShare) * s.spec.unitPrice;
          m.revenueLost += paid * lostShare * s.spec.unitPrice;
        }
      }
      if (violating) {
        m.sloViolationMinutes += minutes;
        m.firstViolationTs ??= ts;
        m.lastViolationTs = ts;
        if (onsetTs !== null && ts > onsetTs) lastViolationAfterOnset = ts;
      }
    },
    snapshot(now) {
      let mitigatedAt: number | null = null;
      if (onsetTs !== null && now >= onsetTs + holdMs) {
        const from = lastViolationAfterOnset ?? onsetTs;
        if (now - from >= holdMs) mitigatedAt = from;
      }
      return structuredClone({ ...m, mitigatedAt });
    },
  };
}
