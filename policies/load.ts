import { ActionTypes, checkWithDefaults, describeProblems, type Problem } from '../runtime/contracts/index.js';
import { ConfigError } from '../runtime/errors.js';
import catalogue from './defaults/catalogue.json' with { type: 'json' };
import escalation from './defaults/escalation.json' with { type: 'json' };
import remediation from './defaults/remediation.json' with { type: 'json' };
import triggers from './defaults/triggers.json' with { type: 'json' };
import { OrchestratorPolicy } from './schema.js';

/** The documented defaults, exactly as in policies/defaults/*.json (a fresh copy each call). */
export function defaultPolicyData(): Record<string, unknown> {
  return structuredClone({ scaling: triggers, remediation, catalogue, escalation });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `over` into `base`: objects key by key, anything else (arrays included) replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Rules ajv cannot express: undo actions match the ActionTypes catalogue (or null: never undone), ordered levels, min <= max. */
export function semanticProblems(p: OrchestratorPolicy): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  p.catalogue.forEach((entry, i) => {
    if (seen.has(entry.id)) problems.push({ path: `/catalogue/${i}/id`, message: `duplicate entry id '${entry.id}'` });
    seen.add(entry.id);
    entry.phases.forEach((phase, j) => {
      const expected = ActionTypes[phase.type].undo;
      if (phase.undo !== expected && phase.undo !== null) {
        problems.push({ path: `/catalogue/${i}/phases/${j}/undo`, message: `must be ${JSON.stringify(expected)} (the undo of ${phase.type}) or null (never undone)` });
      }
    });
  });
  p.escalation.levels.forEach((level, i) => {
    const prev = p.escalation.levels[i - 1];
    if (prev && level.afterS <= prev.afterS) {
      problems.push({ path: `/escalation/levels/${i}/afterS`, message: `must be greater than ${prev.afterS} (level ${prev.level})` });
    }
  });
  const h = p.scaling.horizontal;
  if (h.minInstances > h.maxInstances) problems.push({ path: '/scaling/horizontal/minInstances', message: 'must be <= maxInstances' });
  const v = p.scaling.vertical;
  if (v.minSize > v.maxSize) problems.push({ path: '/scaling/vertical/minSize', message: 'must be <= maxSize' });
  return problems;
}

/** Validates a complete policy value (defaults filled in place); the problems name their paths. */
export function validatePolicy(value: unknown): { ok: true; value: OrchestratorPolicy } | { ok: false; problems: Problem[] } {
  const checked = checkWithDefaults(OrchestratorPolicy, value);
  if (!checked.ok) return checked;
  const problems = semanticProblems(checked.value);
  return problems.length ? { ok: false, problems } : checked;
}

/**
 * The policy in force: `override` (any part of OrchestratorPolicy, e.g. the `policy` option of
 * the orchestrator) merged over the defaults, then validated.
 * @throws ConfigError naming every bad path, e.g. `policy.scaling.triggers.cpu_high.threshold: must be number`
 */
export function loadPolicy(override?: unknown): OrchestratorPolicy {
  const merged = deepMerge(defaultPolicyData(), override ?? {});
  const checked = validatePolicy(merged);
  if (!checked.ok) throw new ConfigError(describeProblems('policy', checked.problems));
  return checked.value;
}
