/** One sample read from a Prometheus text-format exposition. */
export interface PromSample { name: string; labels: Record<string, string>; value: number }

/** A parsed exposition: the samples, the declared type of each family, and the lines that did not parse. */
export interface Exposition { samples: PromSample[]; types: Map<string, string>; errors: string[] }

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const TYPE = /^#\s*TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\w+)/;

/**
 * Parses the Prometheus text exposition format (version 0.0.4): `# TYPE` lines recorded,
 * other comments and blank lines skipped, labels unescaped, `NaN`/`+Inf` kept as numbers.
 * Lines that do not parse are returned in `errors` with their line number, never thrown.
 */
export function parsePrometheusText(text: string): Exposition {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const t = TYPE.exec(line);
      if (t) types.set(t[1], t[2]);
      return;
    }
    const m = LINE.exec(line);
    if (!m) { errors.push(`line ${i + 1}: cannot parse '${line.slice(0, 80)}'`); return; }
    const value = parseValue(m[4]);
    if (value === undefined) { errors.push(`line ${i + 1}: bad value '${m[4]}'`); return; }
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1], labels, value });
  });
  return { samples, types, errors };
}

function parseValue(v: string): number | undefined {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

/** A compiled label selector: `"v"` equals, `"!v"` differs, `"~re"` matches, `"!~re"` does not match (anchored, as PromQL). */
export type LabelMatcher = (labels: Record<string, string>) => boolean;

export function compileMatchers(match: Record<string, string>): LabelMatcher {
  const tests = Object.entries(match).map(([label, spec]): ((v: string) => boolean) => {
    if (spec.startsWith('!~')) { const re = new RegExp(`^(?:${spec.slice(2)})$`); return (v) => !re.test(v); }
    if (spec.startsWith('~')) { const re = new RegExp(`^(?:${spec.slice(1)})$`); return (v) => re.test(v); }
    if (spec.startsWith('!')) { const other = spec.slice(1); return (v) => v !== other; }
    return (v) => v === spec;
  });
  const labels = Object.keys(match);
  return (l) => tests.every((t, i) => t(l[labels[i]] ?? ''));
}

/** A stable key for a label set (sorted), e.g. `code=200,path=/pay`. */
export function seriesKey(labels: Record<string, string>, without: string[] = []): string {
  return Object.keys(labels).filter((k) => !without.includes(k)).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

export type Aggregation = 'sum' | 'avg' | 'max' | 'min' | 'count';

export function aggregate(values: number[], how: Aggregation): number | undefined {
  if (how === 'count') return values.length;
  if (values.length === 0) return undefined;
  if (how === 'sum') return values.reduce((a, b) => a + b, 0);
  if (how === 'avg') return values.reduce((a, b) => a + b, 0) / values.length;
  return how === 'max' ? Math.max(...values) : Math.min(...values);
}

/**
 * The `q` quantile of a cumulative histogram given as (upper bound, count) buckets, with
 * Prometheus's histogram_quantile interpolation: linear inside the bucket, the lower bound of
 * the first bucket taken as 0, a quantile in the +Inf bucket answered with the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted.at(-1)!.le !== Infinity) return undefined;
  const total = sorted.at(-1)!.count;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let i = sorted.findIndex((b) => b.count >= rank);
  if (i === sorted.length - 1) return sorted[sorted.length - 2].le;
  if (i < 0) i = 0;
  const lower = i === 0 ? 0 : sorted[i - 1].le;
  const below = i === 0 ? 0 : sorted[i - 1].count;
  const inBucket = sorted[i].count - below;
  if (inBucket <= 0) return sorted[i].le;
  return lower + (sorted[i].le - lower) * ((rank - below) / inBucket);
}
