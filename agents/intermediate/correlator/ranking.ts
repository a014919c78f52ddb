import type { Features } from './features.js';
import { dependenciesOf, type Topology } from './graph.js';

/** One alerting service of an incident: when it first alerted and the metric it led with. */
export interface ServiceFact { service: string; firstTs: number; metric: string }

/** A ranked root-cause candidate. */
export interface Candidate {
  service: string;
  /** Alerting services of the incident that depend on it, transitively. */
  dependents: number;
  firstTs: number;
  /** Whether it alerted within the tie window of the incident's first alert (the onset). */
  atOnset: boolean;
  /** Mean |correlation| of its lead metric with its dependents' latency, 0-1. */
  correlation: number;
  score: number;
}

/**
 * Ranks root-cause candidates, onset first: the services that alerted within `tieS` of the
 * incident's first alert come before those that alerted later (a service that only alerts
 * minutes later, such as a database feeling an upstream surge, is a consequence). Within the
 * onset group the most upstream wins (the most alerting services depend on it: a slow database
 * makes its callers alert in the same tick), then the earliest, then metric correlation with its
 * dependents, then name; later services follow by first alert. Scores blend onset (0.4),
 * position (0.3), earliness (0.2) and correlation (0.1) and never increase down the ranking.
 */
export function rankCandidates(facts: readonly ServiceFact[], topology: Topology, features: Features, tieS = 60): Candidate[] {
  const services = facts.map((f) => f.service);
  const deps = new Map(services.map((s) => [s, dependenciesOf(s, topology)]));
  const first = Math.min(...facts.map((f) => f.firstTs));
  const last = Math.max(...facts.map((f) => f.firstTs));
  const candidates = facts.map((f): Candidate => {
    const dependents = services.filter((s) => s !== f.service && deps.get(s)!.has(f.service));
    const correlation = dependents.length === 0 ? 0
      : dependents.reduce((sum, d) => sum + features.correlation(f.service, f.metric, d, 'latency_ms'), 0) / dependents.length;
    return { service: f.service, dependents: dependents.length, firstTs: f.firstTs, atOnset: f.firstTs - first <= tieS * 1000, correlation, score: 0 };
  });
  const n = facts.length;
  for (const c of candidates) {
    const upstream = n > 1 ? c.dependents / (n - 1) : 1;
    const early = last > first ? (last - c.firstTs) / (last - first) : 1;
    c.score = 0.4 * Number(c.atOnset) + 0.3 * upstream + 0.2 * early + 0.1 * c.correlation;
  }
  candidates.sort((a, b) => Number(b.atOnset) - Number(a.atOnset)
    || (a.atOnset ? b.dependents - a.dependents : 0) || a.firstTs - b.firstTs
    || b.dependents - a.dependents || b.correlation - a.correlation || a.service.localeCompare(b.service));
  for (let i = 1; i < candidates.length; i++) candidates[i].score = Math.min(candidates[i].score, candidates[i - 1].score);
  for (const c of candidates) c.score = Math.round(c.score * 1000) / 1000;
  return candidates;
}
