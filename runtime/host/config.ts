import type { Static, TObject } from '@sinclair/typebox';
import { checkWithDefaults, describeProblems } from '../contracts/index.js';
import { ConfigError } from '../errors.js';

/**
 * Builds an agent's configuration: the schema's defaults, then the stored configuration
 * (changed by earlier directives), then explicit overrides. Throws ConfigError naming the
 * path of every problem, e.g. `detector: config.sensitivity: must be <= 1`.
 */
export function resolveConfig<C extends TObject>(kind: string, schema: C, ...layers: unknown[]): Static<C> {
  const merged = structuredClone(layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer), {}));
  const result = checkWithDefaults(schema, merged, { keep: false });
  if (!result.ok) throw new ConfigError(describeProblems(`${kind}: config`, result.problems));
  return result.value;
}

/** Merges plain objects recursively; arrays and scalars from `patch` replace. */
export function deepMerge(base: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  if (!isPlainObject(patch)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
