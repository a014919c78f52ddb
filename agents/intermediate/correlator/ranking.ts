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
  /** Mean |correlation| of its lead metric with its dependents' latency, 0-1. */
  correlation: number;
  score: number;
}

/**
 * Ranks root-cause candidates: most upstream first (the most alerting services depend on it),
 * then the earliest alert, then metric correlation with its dependents, then name. Scores
 * blend the three (0.6 / 0.3 / 0.1) and never increase down the ranking.
 */
export function rankCandidates(facts: readonly ServiceFact[], topology: Topology, features: Features): Candidate[] {
  const services = facts.map((f) => f.service);
  const deps = new Map(services.map((s) => [s, dependenciesOf(s, topology)]));
  const first = Math.min(...facts.map((f) => f.firstTs));
  const last = Math.max(...facts.map((f) => f.firstTs));
  const candidates = facts.map((f): Candidate => {
    const dependents = services.filter((s) => s !== f.service && deps.get(s)!.has(f.service));
    const correlation = dependents.length === 0 ? 0
      : dependents.reduce((sum, d) => sum + features.correlation(f.service, f.metric, d, 'latency_ms'), 0) / dependents.length;
    return { service: f.service, dependents: dependents.length, firstTs: f.firstTs, correlation, score: 0 };
  });
  const n = facts.length;
  for (const c of candidates) {
    const upstream = n > 1 ? c.dependents / (n - 1) : 1;
    const early = last > first ? (last - c.firstTs) / (last - first) : 1;
    c.score = 0.6 * upstream + 0.3 * early + 0.1 * c.correlation;
  }
  candidates.sort((a, b) => b.dependents - a.dependents || a.firstTs - b.firstTs
    || b.correlation - a.correlation || a.service.localeCompare(b.service));
  for (let i = 1; i < candidates.length; i++) candidates[i].score = Math.min(candidates[i].score, candidates[i - 1].score);
  for (const c of candidates) c.score = Math.round(c.score * 1000) / 1000;
  return candidates;
}
