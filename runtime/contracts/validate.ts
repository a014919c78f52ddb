import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';

const compiled = new WeakMap<TSchema, ValidateFunction>();
const compiledWithDefaults = new WeakMap<TSchema, ValidateFunction>();
/** Checks a JSON Schema cannot express (equal column lengths, finite values), run after the schema passed. */
const refinements = new WeakMap<TSchema, (value: never) => Problem[]>();

/** Adds a check to `schema` that runs, once the schema passed, wherever the schema is checked. */
export function refine<S extends TSchema>(schema: S, problems: (value: Static<S>) => Problem[]): void {
  refinements.set(schema, problems as (value: never) => Problem[]);
}

/** Schemas whose messages may carry non-finite numbers that a refinement or the receiver handles. */
const nonFiniteTolerated = new WeakSet<TSchema>();

/**
 * Lets messages of `schema` through the bus with non-finite numbers (JSON.parse('1e999') is
 * Infinity): the contract's refinement or its receiver deals with them item by item.
 */
export function tolerateNonFinite(schema: TSchema): void {
  nonFiniteTolerated.add(schema);
}

export function toleratesNonFinite(schema: TSchema): boolean {
  return nonFiniteTolerated.has(schema);
}

/** One problem found in a value: where (JSON pointer) and what. */
export interface Problem { path: string; message: string }

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

function validatorFor(schema: TSchema, defaults: boolean, keep = true): ValidateFunction {
  const cache = defaults ? compiledWithDefaults : compiled;
  let fn = cache.get(schema);
  if (!fn) {
    // Configuration and policy data (defaults): NaN and Infinity fail every number and integer
    // type (strictNumbers). Messages: the bus refuses non-finite numbers before the schema,
    // except where a contract tolerates them (tolerateNonFinite).
    // One ajv instance per top-level schema: schemas embed others that carry the same $id
    // (a Directive inside a DirectiveRequest), which a shared instance refuses to register twice.
    fn = new Ajv({ allErrors: true, strict: false, strictNumbers: defaults, useDefaults: defaults }).compile(schema);
    if (keep) cache.set(schema, fn);
  }
  return fn;
}

function toProblems(errors: ErrorObject[] | null | undefined): Problem[] {
  return collapseChoices(errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message: e.keyword === 'additionalProperties'
      ? `unknown key '${String((e.params as { additionalProperty?: string }).additionalProperty)}'`
      : e.message ?? e.keyword,
  }));
}

/** Validates a value against a schema (compiled once per schema). Never throws. */
export function check<S extends TSchema>(schema: S, value: unknown): Checked<Static<S>> {
  const fn = validatorFor(schema, false);
  if (!fn(value)) return { ok: false, problems: toProblems(fn.errors) };
  const extra = refinements.get(schema)?.(value as never);
  return extra && extra.length > 0 ? { ok: false, problems: extra } : { ok: true, value: value as Static<S> };
}

/**
 * Validates a value and fills in the schema's defaults (mutates `value`).
 * Used for configuration and policy data, never for messages. `keep: false` does not keep the
 * compiled validator (an agent's configuration is checked at start and on the rare set-config:
 * a big schema's validator held ~1 MB for nothing in between).
 */
export function checkWithDefaults<S extends TSchema>(schema: S, value: unknown, options: { keep?: boolean } = {}): Checked<Static<S>> {
  const fn = validatorFor(schema, true, options.keep ?? true);
  return fn(value) ? { ok: true, value: value as Static<S> } : { ok: false, problems: toProblems(fn.errors) };
}

/** Formats problems as `where: what; where: what`, prefixed by a context such as `detector: config`. */
export function describeProblems(context: string, problems: Problem[]): string {
  return problems.map((p) => `${context}${p.path === '/' ? '' : p.path.replaceAll('/', '.')}: ${p.message}`).join('; ');
}

/**
 * The JSON pointer of the first non-finite number in `value` (JSON.parse turns `1e999` into
 * Infinity), or null. Catches them where a schema accepts anything (params, free-form objects).
 * A walk of the parsed value: ~15x cheaper than a regular expression over its text, which cost
 * more than JSON.parse itself on every message of every agent (issue 13: the data path).
 */
export function findNonFinite(value: unknown): string | null {
  const at = nonFiniteAt(value);
  return at === null ? null : at.length === 0 ? '/' : `/${at.reverse().join('/')}`;
}

/**
 * The keys from the first non-finite number up to `value` (innermost first), or null. Strings are
 * skipped without a call, and keys are walked with for-in: Object.keys' array per object made the
 * walk of a message of many small objects three times slower.
 */
function nonFiniteAt(value: unknown): (string | number)[] | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : [];
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') continue;
      const at = nonFiniteAt(item);
      if (at) { at.push(i); return at; }
    }
    return null;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') continue;
    const at = nonFiniteAt(item);
    if (at) { at.push(key); return at; }
  }
  return null;
}

/**
 * A union of literals fails with one "must be equal to constant" per choice and an "anyOf":
 * collapse them into one "must be one of a, b, c" at that path.
 */
function collapseChoices(errors: ErrorObject[]): ErrorObject[] {
  const choices = new Map<string, unknown[]>();
  for (const e of errors) {
    if (e.keyword === 'const') choices.set(e.instancePath, [...(choices.get(e.instancePath) ?? []), (e.params as { allowedValue?: unknown }).allowedValue]);
  }
  if (choices.size === 0) return errors;
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const values = choices.get(e.instancePath);
    if (!values) { out.push(e); continue; }
    if (e.keyword === 'anyOf') out.push({ ...e, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
    else if (e.keyword !== 'const') out.push(e);
  }
  // A union nested in another schema may leave no anyOf of its own: keep one line.
  for (const [path, values] of choices) {
    if (!out.some((e) => e.instancePath === path)) out.push({ instancePath: path, keyword: 'enum', message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, params: {}, schemaPath: '' });
  }
  return out;
}
