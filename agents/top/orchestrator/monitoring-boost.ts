import type { RemediationSettings } from '../../../policies/schema.js';
import type { BrainDirective } from './brain-types.js';
import { dict, own } from '../../../runtime/dict.js';

/** service → ids of the open incidents that asked for closer monitoring of it. */
export type Boosts = Record<string, string[]>;

const detectors = { tier: 'base', kind: 'detector', agentId: 'all' };
const collectors = { tier: 'base', kind: 'collector', agentId: 'all' };

function directives(service: string, sensitivity: number, intervalS: number): BrainDirective[] {
  return [
    { to: detectors, type: 'set-sensitivity', params: { sensitivity, service } },
    { to: collectors, type: 'set-interval', params: { intervalS, service } },
  ];
}

/**
 * An incident opened or grew: raise detector sensitivity and collection frequency for its
 * services (DESIGN §4, seed 001 §2.4.3), once per service however many incidents cover it.
 */
export function boost(boosts: Boosts, incidentId: string, services: string[], m: RemediationSettings['monitoring']): { boosts: Boosts; directives: BrainDirective[] } {
  if (!m.enabled) return { boosts, directives: [] };
  const next: Boosts = dict(boosts);
  const out: BrainDirective[] = [];
  for (const service of services) {
    const holders = own(next, service) ?? [];
    if (holders.includes(incidentId)) continue;
    if (holders.length === 0) out.push(...directives(service, m.sensitivity, m.intervalS));
    next[service] = [...holders, incidentId];
  }
  return { boosts: next, directives: out };
}

/** An incident resolved: restore normal monitoring of the services no other open incident covers. */
export function release(boosts: Boosts, incidentId: string, m: RemediationSettings['monitoring']): { boosts: Boosts; directives: BrainDirective[] } {
  const next: Boosts = dict();
  const out: BrainDirective[] = [];
  for (const [service, holders] of Object.entries(boosts)) {
    const rest = holders.filter((h) => h !== incidentId);
    if (rest.length > 0) next[service] = rest;
    else if (holders.length > 0) out.push(...directives(service, m.normalSensitivity, m.normalIntervalS));
  }
  return { boosts: next, directives: out };
}

/** A new run starts: restore normal monitoring of every service still boosted (its incident never resolved). */
export function releaseAll(boosts: Boosts, m: RemediationSettings['monitoring']): BrainDirective[] {
  return Object.entries(boosts).filter(([, holders]) => holders.length > 0)
    .flatMap(([service]) => directives(service, m.normalSensitivity, m.normalIntervalS));
}
