import { describeProblems } from '../runtime/contracts/index.js';
import { validatePolicy } from './load.js';
import type { OrchestratorPolicy } from './schema.js';

/** What a directive did to the policy, as acknowledged to its sender. */
export interface PolicyEdit {
  status: 'applied' | 'rejected' | 'unchanged';
  detail?: string;
  policy: OrchestratorPolicy;
}

function splitPath(path: string): string[] {
  const parts = path.startsWith('/') ? path.slice(1).split('/') : path.split('.');
  return parts.filter((p) => p.length > 0);
}

/**
 * `set-policy {path, value}`: sets one value of the policy (path dotted, `scaling.triggers.cpu_high.threshold`,
 * or a JSON pointer) on a copy, validates the whole policy and returns it. Never mutates `policy`.
 */
export function setPolicyPath(policy: OrchestratorPolicy, path: unknown, value: unknown): PolicyEdit {
  if (typeof path !== 'string' || splitPath(path).length === 0) {
    return { status: 'rejected', detail: 'set-policy: params.path must be a non-empty string', policy };
  }
  const parts = splitPath(path);
  const next = structuredClone(policy) as unknown as Record<string, unknown>;
  let node: Record<string, unknown> = next;
  for (const key of parts.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null) {
      return { status: 'rejected', detail: `set-policy: no such path '${path}'`, policy };
    }
    node = child as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (JSON.stringify(node[last]) === JSON.stringify(value)) return { status: 'unchanged', policy };
  node[last] = structuredClone(value);
  const checked = validatePolicy(next);
  if (!checked.ok) return { status: 'rejected', detail: describeProblems('policy', checked.problems), policy };
  return { status: 'applied', policy: checked.value };
}

/**
 * `set-trigger {trigger, threshold?, durationS?, cooldownS?}`: changes one scaling trigger.
 * Takes effect on the next evaluation: the scaling machine reads the policy from each event.
 */
export function setTrigger(policy: OrchestratorPolicy, params: Record<string, unknown>): PolicyEdit {
  const name = params.trigger;
  if (typeof name !== 'string' || !(name in policy.scaling.triggers)) {
    const known = Object.keys(policy.scaling.triggers).join(', ');
    return { status: 'rejected', detail: `set-trigger: unknown trigger '${String(name)}' (known: ${known})`, policy };
  }
  const fields = ['threshold', 'durationS', 'cooldownS', 'enabled'] as const;
  const given = fields.filter((f) => params[f] !== undefined);
  if (given.length === 0) {
    return { status: 'rejected', detail: 'set-trigger: give at least one of threshold, durationS, cooldownS, enabled', policy };
  }
  let current = policy;
  let changed = false;
  for (const field of given) {
    const edit = setPolicyPath(current, `scaling.triggers.${name}.${field}`, params[field]);
    if (edit.status === 'rejected') return { ...edit, policy };
    if (edit.status === 'applied') changed = true;
    current = edit.policy;
  }
  return changed ? { status: 'applied', policy: current } : { status: 'unchanged', policy };
}

/** A `set-trigger` or `set-policy` directive on a copy of `policy` (what the orchestrator and the predictor accept). */
export function editPolicy(policy: OrchestratorPolicy, type: string, params: Record<string, unknown>, who: string): PolicyEdit {
  if (type === 'set-trigger') return setTrigger(policy, params);
  if (type === 'set-policy') return setPolicyPath(policy, params.path, params.value);
  return { status: 'rejected', detail: `${who} does not handle ${type}`, policy };
}
