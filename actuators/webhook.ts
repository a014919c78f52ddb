/**
 * The webhook actuator: POSTs each action as JSON to the configured URL and reads the answer.
 * Body: {version: 'vigil.action-request.v1', action, compensates?: {action, result}}; header
 * `Idempotency-Key: <actionId>`. A 2xx answer applies the action; its JSON body may carry
 * `before`, `after` (objects) and `detail` (string), and `status: 'failed'` to refuse. Any other
 * status, a timeout or a network error fails the action with the URL and the reason. A dry run
 * sends nothing.
 */
import type { Action } from '../runtime/contracts/control.js';
import { errorMessage } from '../runtime/errors.js';
import type { WebhookActuatorConfig } from './config.js';
import { tail, type Applied, type Driver, type Outcome } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads the receiver's answer into an outcome. */
function outcomeOf(status: number, text: string, url: string): Outcome {
  const http = { url, status };
  if (status < 200 || status > 299) return { status: 'failed', before: {}, after: { http }, detail: `POST ${url}: HTTP ${status}: ${tail(text.trim(), 300)}` };
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = {}; // a plain-text 2xx answer is an acknowledgement
    }
  }
  const b = isObject(body) ? body : {};
  const before = isObject(b.before) ? b.before : {};
  const after = { ...before, ...(isObject(b.after) ? b.after : {}), http };
  const detail = typeof b.detail === 'string' ? b.detail : `POST ${url}: HTTP ${status}`;
  return { status: b.status === 'failed' ? 'failed' : 'applied', before, after, detail };
}

/** Creates the webhook driver of one configured actuator. */
export function createWebhookDriver(config: WebhookActuatorConfig): Driver {
  return {
    name: config.name,
    kind: 'webhook',
    async run(action: Action, compensated: Applied | undefined): Promise<Outcome> {
      if (action.dryRun) return { status: 'dry-run', before: {}, after: {}, detail: `dry run: would POST ${action.type} to ${config.url}` };
      const body = { version: 'vigil.action-request.v1', action, ...(compensated ? { compensates: compensated } : {}) };
      try {
        const res = await fetch(config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': action.actionId, ...config.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(config.timeoutS * 1000),
        });
        return outcomeOf(res.status, await res.text(), config.url);
      } catch (err) {
        const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${config.timeoutS} s` : errorMessage(err);
        const cause = err instanceof Error && err.cause ? ` (${errorMessage(err.cause)})` : '';
        return { status: 'failed', before: {}, after: { http: { url: config.url, status: null } }, detail: `POST ${config.url}: ${why}${cause}` };
      }
    },
  };
}
