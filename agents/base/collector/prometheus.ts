/** One sample read from a Prometheus text-format exposition. */
export interface PromSample { name: string; labels: Record<string, string>; value: number }

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the Prometheus text exposition format (version 0.0.4): comments and blank lines
 * skipped, labels unescaped, `NaN`/`+Inf` kept as numbers. Lines that do not parse are
 * returned in `errors` with their line number, never thrown.
 */
export function parsePrometheusText(text: string): { samples: PromSample[]; errors: string[] } {
  const samples: PromSample[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) { errors.push(`line ${i + 1}: cannot parse '${line.slice(0, 80)}'`); return; }
    const value = parseValue(m[4]);
    if (value === undefined) { errors.push(`line ${i + 1}: bad value '${m[4]}'`); return; }
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1], labels, value });
  });
  return { samples, errors };
}

function parseValue(v: string): number | undefined {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

/** How a target's Prometheus series map to vigil metrics: `promName` -> `{ metric, unit? }`. */
export type MetricMap = Record<string, { metric: string; unit?: 'percent' | 'ratio' | 'ms' | 's' | 'count' | 'bytes' | 'rps' }>;

/** Sums the series of each mapped name (e.g. over label sets) and returns vigil metric values. */
export function mapToMetrics(samples: PromSample[], map: MetricMap): { metric: string; value: number; unit?: string }[] {
  const totals = new Map<string, number>();
  for (const s of samples) {
    if (!(s.name in map) || !Number.isFinite(s.value)) continue;
    totals.set(s.name, (totals.get(s.name) ?? 0) + s.value);
  }
  return [...totals].map(([name, value]) => ({ metric: map[name].metric, value, unit: map[name].unit }));
}
