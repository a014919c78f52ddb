/**
 * Maps keyed by names that come from outside (services, metrics, alert keys) as plain objects:
 * a service may be called `constructor`, `toString` or `__proto__`. `dict()` has no prototype,
 * so `d[name] = v` always makes an own entry; `own(d, name)` reads only own entries, also from
 * an object that came back from JSON with the usual prototype.
 */
export function dict<T>(from?: Record<string, T>): Record<string, T> {
  const d = Object.create(null) as Record<string, T>;
  if (from) for (const k of Object.keys(from)) d[k] = from[k];
  return d;
}

/** The own entry `key` of `obj`, never an inherited member such as Object.prototype.constructor. */
export function own<T>(obj: Record<string, T> | undefined | null, key: string): T | undefined {
  return obj != null && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
