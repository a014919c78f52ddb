/**
 * A minimal Prometheus text-format (0.0.4) registry: counters and gauges with labels, and a
 * histogram. Enough for the live billable API; not a general client.
 */

type Labels = Record<string, string>;

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (l: Labels): string => {
  const keys = Object.keys(l);
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escapeLabel(l[k])}"`).join(',')}}`;
};
const num = (x: number): string => (Number.isFinite(x) ? String(x) : x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN');

interface Family { name: string; help: string; type: 'counter' | 'gauge' | 'histogram'; render(): string[] }

/** A counter or gauge family keyed by its label values. */
export class Series {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge') {}
  /** Adds `by` (>= 0 for counters) to the series with these labels. */
  inc(labels: Labels = {}, by = 1): void {
    if (this.type === 'counter' && by < 0) throw new RangeError(`${this.name}: a counter only goes up`);
    const key = labelText(labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels, value: by });
  }
  /** Sets a gauge. */
  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), { labels, value });
  }
  render(): string[] {
    return [...this.values.values()].map((v) => `${this.name}${labelText(v.labels)} ${num(v.value)}`);
  }
}

/** A histogram family with fixed upper bounds (seconds), keyed by label values. */
export class Histogram {
  readonly type = 'histogram' as const;
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly bounds: number[]) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) { s = { labels, counts: this.bounds.map(() => 0), sum: 0, count: 0 }; this.series.set(key, s); }
    this.bounds.forEach((b, i) => { if (value <= b) s!.counts[i]++; });
    s.sum += value;
    s.count++;
  }
  render(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      this.bounds.forEach((b, i) => out.push(`${this.name}_bucket${labelText({ ...s.labels, le: num(b) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** The families of one process, rendered together. */
export class Registry {
  private readonly families: Family[] = [];
  counter(name: string, help: string): Series { return this.add(new Series(name, help, 'counter')); }
  gauge(name: string, help: string): Series { return this.add(new Series(name, help, 'gauge')); }
  histogram(name: string, help: string, bounds: number[]): Histogram { return this.add(new Histogram(name, help, bounds)); }
  /** The exposition text: HELP, TYPE and samples of every family, newline-terminated. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families) lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    return `${lines.join('\n')}\n`;
  }
  private add<F extends Family>(f: F): F {
    this.families.push(f);
    return f;
  }
}

/** Content type of the text exposition format. */
export const PROM_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
