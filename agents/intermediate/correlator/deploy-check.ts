import type { AggWindow, Alert } from '../../../runtime/contracts/index.js';
import type { Features } from './features.js';
import type { ServiceInfo } from './graph.js';

/** The rule name of the alerts this check raises (never published: they live in the correlator's incidents). */
export const DEPLOY_CHECK_RULE = 'deploy-check';

/**
 * Deploy verification on the aggregated windows: a service whose window error rate breaks its
 * SLO (catalogue sloErrorRate, 1 % if unknown) within `deployWindowS` of a deploy_version
 * change raises a red error_rate alert of its own at once, and clears it once a window is back
 * within the SLO. The threshold rule holds an error rate 5 minutes before alerting (seed 001
 * §1.3); a release failing payments cannot wait that long for its rollback. Pure; one active
 * alert per service at most.
 */
export class DeployCheck {
  readonly #active = new Map<string, Alert>();

  /** The alert (raise or clear) this window calls for, if any. Call after `features.update(w)`. */
  observe(w: AggWindow, now: number, info: ServiceInfo | undefined, features: Features, deployWindowS: number): Alert | null {
    const errors = w.metrics.error_rate?.mean;
    if (errors === undefined) return null;
    const slo = info?.sloErrorRate ?? 1;
    const active = this.#active.get(w.service);
    if (active) {
      if (errors > slo) return null;
      this.#active.delete(w.service);
      return { ...active, level: 'clear', value: errors, ts: now, explanation: `error_rate ${errors.toFixed(2)} % back within the SLO (${slo} %)` };
    }
    if (errors <= slo || !features.deployedBetween(w.service, w.end - deployWindowS * 1000, w.end)) return null;
    const alert: Alert = {
      id: `${w.service}:all:error_rate:${DEPLOY_CHECK_RULE}:${w.start}`, service: w.service, instance: 'all', metric: 'error_rate',
      level: 'red', rule: DEPLOY_CHECK_RULE, value: errors, threshold: slo, since: w.start, ts: now,
      explanation: `error_rate ${errors.toFixed(2)} % over the SLO (${slo} %) in the window of a deploy`,
    };
    this.#active.set(w.service, alert);
    return alert;
  }

  reset(): void { this.#active.clear(); }
}
