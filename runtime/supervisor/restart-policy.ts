import { ConfigError } from '../errors.js';

export interface RestartPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** At most this many restarts within `windowMs`; then the agent is reported failed. */
  maxRestarts: number;
  windowMs: number;
  /** Jitter as a fraction of the delay (0.2 = +/-20 %). */
  jitter: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { baseDelayMs: 200, maxDelayMs: 5000, maxRestarts: 5, windowMs: 60_000, jitter: 0.2 };

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; reason: string };

/**
 * Whether and when to restart an agent that exited (STYLE §5): a configuration error
 * (exit 78) is never restarted; otherwise exponential backoff with jitter over the recent
 * restarts, at most `maxRestarts` per window. Pure: `now` and `random` are passed in.
 */
export function decideRestart(
  exitCode: number | null,
  recentRestarts: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  random: () => number = Math.random,
): RestartDecision {
  if (exitCode === ConfigError.exitCode) return { restart: false, reason: 'configuration error (exit 78): fix the configuration, it will not be restarted' };
  const inWindow = recentRestarts.filter((t) => now - t < policy.windowMs).length;
  if (inWindow >= policy.maxRestarts) {
    return { restart: false, reason: `crashed ${inWindow + 1} times within ${policy.windowMs / 1000} s: giving up` };
  }
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** inWindow);
  const jitter = delay * policy.jitter * (2 * random() - 1);
  return { restart: true, delayMs: Math.max(0, Math.round(delay + jitter)) };
}
