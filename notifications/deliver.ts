/**
 * Delivery of one payload to one URL, with retries: a network error, a timeout, HTTP 429 or a
 * 5xx is retried after an exponential backoff (initialMs, doubled each time, at most maxMs, with
 * jitter; a Retry-After header is honoured within maxMs); any other answer is final.
 */
import { errorMessage } from '../runtime/errors.js';
import type { RetryConfig } from './config.js';

export interface Delivery {
  ok: boolean;
  attempts: number;
  /** the last HTTP status, null when no answer came */
  status: number | null;
  /** why the last attempt failed */
  error?: string;
  durationMs: number;
}

export interface DeliverOptions {
  headers: Record<string, string>;
  timeoutS: number;
  retry: RetryConfig;
  /** waits between attempts (tests may shorten nothing: the backoff is part of the behaviour) */
  sleep?: (ms: number) => Promise<void>;
}

const retriable = (status: number): boolean => status === 429 || status >= 500;

/** The wait before attempt `n + 1` (n >= 1). */
export function backoffMs(retry: RetryConfig, n: number, retryAfter: string | null): number {
  const hinted = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : null;
  if (hinted !== null) return Math.min(hinted, retry.maxMs);
  const exp = Math.min(retry.maxMs, retry.initialMs * 2 ** (n - 1));
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

export async function deliver(url: string, body: unknown, opts: DeliverOptions): Promise<Delivery> {
  const t0 = performance.now();
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: Delivery = { ok: false, attempts: 0, status: null, durationMs: 0 };
  for (let n = 1; n <= opts.retry.attempts; n++) {
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json', ...opts.headers }, body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutS * 1000),
      });
      const text = await res.text();
      last = { ok: res.ok, attempts: n, status: res.status, durationMs: 0, ...(res.ok ? {} : { error: `HTTP ${res.status}: ${text.slice(0, 300)}` }) };
      if (res.ok || !retriable(res.status)) break;
      retryAfter = res.headers.get('retry-after');
    } catch (err) {
      const cause = err instanceof Error && err.cause ? ` (${errorMessage(err.cause)})` : '';
      const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${opts.timeoutS} s` : `${errorMessage(err)}${cause}`;
      last = { ok: false, attempts: n, status: null, error: why, durationMs: 0 };
    }
    if (n < opts.retry.attempts) await sleep(backoffMs(opts.retry, n, retryAfter));
  }
  return { ...last, durationMs: Math.round(performance.now() - t0) };
}
