/**
 * The remediation limiter: at most N attempts per cause of an incident that did not fix it, and M
 * per service per hour, so a remediation can never loop. A cause is a diagnosis (a pattern at a service): an
 * incident with two causes (an attack and a node that degraded under it) gets N tries for each,
 * and the hourly limit per service still bounds them all. Pure: the state is explicit, plain JSON, persisted by its owner.
 */

import { dict, own } from '../runtime/dict.js';

export interface LimiterState {
  /** incident id, then a space and the cause when one is named → attempts started */
  perIncident: Record<string, number>;
  /** service → event times (ms) of the attempts of the last hour */
  perService: Record<string, number[]>;
}

/** The two limits (RemediationSettings.maxAttemptsPerIncident and .maxPerServicePerHour). */
export interface Limits { maxAttemptsPerIncident: number; maxPerServicePerHour: number }

/** A limiter that has counted nothing. */
export const emptyLimiter = (): LimiterState => ({ perIncident: {}, perService: {} });

const HOUR = 3_600_000;

/**
 * Counts an attempt if both limits allow it. Never mutates `state`.
 * @returns ok with the new state, or the reason it was refused (state unchanged but pruned)
 */
export function tryAcquire(
  state: LimiterState, req: { incidentId: string; cause?: string; service: string; now: number }, limits: Limits,
): { ok: true; state: LimiterState } | { ok: false; reason: string; state: LimiterState } {
  const recent = (own(state.perService, req.service) ?? []).filter((t) => t > req.now - HOUR);
  const pruned: LimiterState = { perIncident: dict(state.perIncident), perService: dict(state.perService) };
  pruned.perService[req.service] = recent;
  const key = req.cause === undefined ? req.incidentId : `${req.incidentId} ${req.cause}`;
  const done = own(state.perIncident, key) ?? 0;
  if (done >= limits.maxAttemptsPerIncident) {
    const what = req.cause === undefined ? '' : ` (${req.cause})`;
    return { ok: false, reason: `incident ${req.incidentId}${what}: ${done} attempt(s), limit ${limits.maxAttemptsPerIncident}`, state: pruned };
  }
  if (recent.length >= limits.maxPerServicePerHour) {
    return { ok: false, reason: `service ${req.service}: ${recent.length} attempt(s) in the last hour, limit ${limits.maxPerServicePerHour}`, state: pruned };
  }
  pruned.perIncident[key] = done + 1;
  pruned.perService[req.service] = [...recent, req.now];
  return { ok: true, state: pruned };
}

/**
 * A fix that passed its post-validation gives its attempt back. The per-incident limit stops fixes
 * that do not work from looping; one that works while its fault keeps coming back (a leak after
 * each restart) is still bounded by the hourly limit per service, and escalated as a recurring fix
 * (remediation.recurringFixes) while it goes on mitigating. Never mutates `state`.
 */
export function giveBack(state: LimiterState, req: { incidentId: string; cause?: string }): LimiterState {
  const key = req.cause === undefined ? req.incidentId : `${req.incidentId} ${req.cause}`;
  const done = own(state.perIncident, key) ?? 0;
  if (done === 0) return state;
  const perIncident = dict(state.perIncident);
  perIncident[key] = done - 1;
  return { ...state, perIncident };
}

/** Forgets a closed incident's counts (its service history stays for the hourly limit). */
export function forgetIncident(state: LimiterState, incidentId: string): LimiterState {
  const perIncident = dict(state.perIncident);
  for (const key of Object.keys(perIncident)) if (key === incidentId || key.startsWith(`${incidentId} `)) delete perIncident[key];
  return { ...state, perIncident };
}
