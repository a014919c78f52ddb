/**
 * Demand that comes down the call graph. A service behind others sees its callers' demand only
 * once they pass it on: while an entry service is saturated or its new instances boot, the
 * services it calls see the old load, and each scales one boot delay after the one in front of it.
 * Their demand is known earlier at the entries (services no other service calls: their rps is
 * what the users send). Each service's share of its entries' rps is learnt from healthy windows,
 * and its demand at the boot horizon is that share of the entries' forecast. Pure functions.
 */

/** A service and what it calls, as the catalogue says. */
export interface Edge { service: string; dependsOn: readonly string[] }

/**
 * The entry services whose traffic reaches `service`: its ancestors that no service calls. Empty
 * for an entry itself (or a service outside the catalogue).
 */
export function entriesOf(service: string, graph: readonly Edge[]): string[] {
  const callers = new Map<string, string[]>();
  for (const e of graph) for (const d of e.dependsOn) callers.set(d, [...(callers.get(d) ?? []), e.service]);
  const entries = new Set<string>();
  const seen = new Set<string>([service]);
  const todo = [...(callers.get(service) ?? [])];
  while (todo.length > 0) {
    const s = todo.pop() as string;
    if (seen.has(s)) continue;
    seen.add(s);
    const up = callers.get(s) ?? [];
    if (up.length === 0) entries.add(s);
    todo.push(...up);
  }
  return [...entries].sort();
}

/** A window as the planner remembers it for the services behind: when, how much, whether it can be learnt from. */
export interface Seen { end: number; rps: number; healthy: boolean }

/** An entry's forecast as the services behind it inherit it: only when its traffic may be scaled for (not an attack). */
export interface EntryDemand { end: number; horizonS: number; forecast: number; high: number; slopePerS: number; scalable: boolean }

/**
 * The learnt share after one more window: the service's rps over its entries' rps in the same
 * (previous, fully received) window, averaged with weight `weight`; unchanged unless all of them
 * were healthy then.
 */
export function learnShare(prev: number | null, own: Seen | null, entries: readonly (Seen | null)[], end: number, weight: number): number | null {
  if (!own || own.end !== end || !own.healthy || entries.length === 0) return prev;
  if (entries.some((e) => !e || e.end !== end || !e.healthy)) return prev;
  const total = entries.reduce((a, e) => a + (e as Seen).rps, 0);
  if (total <= 0) return prev;
  const seen = own.rps / total;
  return prev === null ? seen : prev + weight * (seen - prev);
}

/**
 * The demand the entries send this service at its boot horizon (`horizonS` from now): the share
 * of their forecasts of the previous window (`end`), moved on by their trend to this service's
 * horizon (one window later, and its own boot delay rather than theirs). Null when the
 * share is not learnt, an entry's forecast of that window is missing, or one's traffic is not to
 * be scaled for (an attack is stopped at the edge, not served behind it).
 */
export function inheritedDemand(
  share: number | null, entries: readonly (EntryDemand | null)[], end: number, windowS: number, horizonS: number,
): { forecast: number; high: number } | null {
  if (share === null || entries.length === 0) return null;
  if (entries.some((e) => !e || e.end !== end || !e.scalable)) return null;
  let forecast = 0;
  let high = 0;
  for (const e of entries as EntryDemand[]) {
    const since = Math.max(0, e.slopePerS * (windowS + horizonS - e.horizonS));
    forecast += e.forecast + since;
    high += e.high + since;
  }
  return { forecast: share * forecast, high: share * high };
}
