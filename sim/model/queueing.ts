/**
 * Queueing formulas for the service model. Pure functions of utilisation; times in ms.
 */

/**
 * Mean waiting time in an M/M/c queue, Sakasegawa's approximation:
 * Wq ~= S * rho^(sqrt(2(c+1)) - 1) / (c (1 - rho)). `serviceMs` is the mean service time,
 * `c` the number of servers (concurrent slots), `rho` the utilisation (capped just below 1:
 * past saturation the backlog queue, not this formula, sets the wait).
 */
export function mmcWaitMs(serviceMs: number, c: number, rho: number): number {
  if (rho <= 0 || c <= 0) return 0;
  const r = Math.min(rho, 0.995);
  const servers = Math.max(1, c);
  return (serviceMs * Math.pow(r, Math.sqrt(2 * (servers + 1)) - 1)) / (servers * (1 - r));
}

/**
 * Share of requests exceeding `timeoutMs` when the p95 latency is `p95Ms`, assuming an
 * exponential tail: P(L > T) = 0.05^(T / p95). Exactly 5 % when p95 equals the timeout.
 */
export function timeoutShare(p95Ms: number, timeoutMs: number): number {
  if (p95Ms <= 0) return 0;
  const x = timeoutMs / p95Ms;
  return x > 40 ? 0 : Math.pow(0.05, x);
}

/** p95 of a request given its service time and mean queueing wait (exponential tail: ~3x the mean). */
export function p95Ms(serviceMs: number, waitMs: number, backlogMs: number): number {
  return serviceMs + 3 * waitMs + backlogMs;
}
