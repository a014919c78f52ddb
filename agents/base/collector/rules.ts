import type { MetricRule } from './config.js';
import { aggregate, compileMatchers, histogramQuantile, seriesKey, type Exposition, type PromSample } from './prometheus.js';

/** The last reading of every counter series, for per-second rates (one per collector). */
export class CounterMemory {
  readonly #last = new Map<string, { value: number; ts: number }>();

  /**
   * Per-second rate since the previous reading of `key`, or undefined on the first reading.
   * A value below the previous one is a counter reset: the increase is the new value (as
   * Prometheus's rate() counts it).
   */
  rate(key: string, value: number, ts: number): number | undefined {
    const prev = this.#last.get(key);
    this.#last.set(key, { value, ts });
    if (!prev || ts <= prev.ts) return undefined;
    const increase = value >= prev.value ? value - prev.value : value;
    return increase / ((ts - prev.ts) / 1000);
  }

  /** Forgets the series of one target (removed from the configuration). */
  forget(prefix: string): void {
    for (const k of this.#last.keys()) if (k.startsWith(prefix)) this.#last.delete(k);
  }
}

/** The outcome of one rule on one scrape: a value, nothing yet (first counter reading), or why not. */
export type RuleResult = { value: number } | { pending: true } | { problem: string };

/** The type the rule reads the family as: its own, else the exposition's `# TYPE`, else gauge. */
export function familyType(rule: MetricRule, expo: Exposition): 'gauge' | 'counter' | 'histogram' {
  if (rule.type !== 'auto') return rule.type;
  const declared = expo.types.get(rule.from);
  if (declared === 'counter' || declared === 'histogram') return declared;
  if (declared === undefined && expo.samples.some((s) => s.name === `${rule.from}_bucket`)) return 'histogram';
  return 'gauge';
}

/**
 * Applies one rule to one scrape of one target (`scope` keeps counter memories apart):
 * selects the family's series by label, turns counters into per-second rates per series
 * and histograms into a quantile of the selected series' bucket increases, then aggregates
 * (optionally summing within `sumBy` groups first) and scales.
 */
export function evaluateRule(rule: MetricRule, expo: Exposition, memory: CounterMemory, scope: string, ts: number): RuleResult {
  const type = familyType(rule, expo);
  const matches = compileMatchers(rule.match);
  if (type === 'histogram') return histogram(rule, expo, matches, memory, scope, ts);
  const selected = expo.samples.filter((s) => s.name === rule.from && matches(s.labels) && !Number.isNaN(s.value));
  if (selected.length === 0) return { problem: `no series of ${rule.from} matches ${JSON.stringify(rule.match)}` };
  let values: { labels: Record<string, string>; value: number }[] = selected;
  if (type === 'counter') {
    values = [];
    for (const s of selected) {
      const r = memory.rate(`${scope}|${s.name}|${seriesKey(s.labels)}`, s.value, ts);
      if (r !== undefined) values.push({ labels: s.labels, value: r });
    }
    if (values.length === 0) return { pending: true };
  }
  const value = combine(values, rule);
  return value === undefined ? { problem: `${rule.from}: nothing to aggregate` } : { value: value * rule.scale };
}

function combine(values: { labels: Record<string, string>; value: number }[], rule: MetricRule): number | undefined {
  if (!rule.sumBy) return aggregate(values.map((v) => v.value), rule.aggregate);
  const groups = new Map<string, number>();
  for (const v of values) {
    const key = rule.sumBy.map((l) => v.labels[l] ?? '').join('\u0000');
    groups.set(key, (groups.get(key) ?? 0) + v.value);
  }
  return aggregate([...groups.values()], rule.aggregate);
}

function histogram(rule: MetricRule, expo: Exposition, matches: (l: Record<string, string>) => boolean,
  memory: CounterMemory, scope: string, ts: number): RuleResult {
  const buckets = expo.samples.filter((s: PromSample) => s.name === `${rule.from}_bucket` && 'le' in s.labels && matches(s.labels));
  if (buckets.length === 0) return { problem: `no ${rule.from}_bucket series matches ${JSON.stringify(rule.match)}` };
  const byLe = new Map<number, number>();
  let first = false;
  for (const b of buckets) {
    const r = memory.rate(`${scope}|${b.name}|${seriesKey(b.labels)}`, b.value, ts);
    if (r === undefined) { first = true; continue; }
    const le = Number(b.labels.le === '+Inf' ? Infinity : b.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + r);
  }
  if (first && byLe.size === 0) return { pending: true };
  const q = histogramQuantile(rule.quantile, [...byLe].map(([le, count]) => ({ le, count })));
  // No request in the interval: no latency to report (Prometheus answers NaN).
  if (q === undefined) return { pending: true };
  return { value: q * rule.scale };
}
