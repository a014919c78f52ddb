import type { Sample } from '../../../../runtime/contracts/index.js';
import { histogramQuantile } from '../prometheus.js';
import type { CounterMemory } from '../rules.js';

/** OTLP/HTTP JSON (ExportMetricsServiceRequest), the fields vigil reads. */
interface KeyValue { key: string; value?: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean } }
interface NumberPoint { attributes?: KeyValue[]; timeUnixNano?: string | number; startTimeUnixNano?: string | number; asDouble?: number; asInt?: string | number }
interface HistogramPoint { attributes?: KeyValue[]; timeUnixNano?: string | number; startTimeUnixNano?: string | number; count?: string | number; bucketCounts?: (string | number)[]; explicitBounds?: number[] }
interface OtlpMetric {
  name?: string; unit?: string;
  gauge?: { dataPoints?: NumberPoint[] };
  sum?: { dataPoints?: NumberPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramPoint[]; aggregationTemporality?: number };
}
interface ExportRequest { resourceMetrics?: { resource?: { attributes?: KeyValue[] }; scopeMetrics?: { metrics?: OtlpMetric[] }[] }[] }

const DELTA = 1;
const token = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'unknown';
const num = (v: string | number | undefined): number => (v === undefined ? NaN : Number(v));
const attr = (attrs: KeyValue[] | undefined, key: string): string | undefined => {
  const v = attrs?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? String(v.intValue) : undefined);
};
const UNIT: Record<string, Sample['unit']> = { ms: 'ms', s: 's', us: 'us', By: 'bytes', '1': 'ratio', '%': 'percent' };

/**
 * Turns an OTLP/HTTP JSON metrics export into samples: service from the resource's
 * `service.name`, instance from `service.instance.id`; gauges averaged over their data points,
 * monotonic sums as per-second rates (cumulative: since the previous export; delta: over the
 * point's own interval), histograms as their p95 over the interval. Throws on a body that is
 * not an export request.
 */
export function samplesFromOtlp(body: unknown, memory: CounterMemory, now: number): { samples: Sample[]; dropped: number } {
  const req = body as ExportRequest;
  if (typeof req !== 'object' || req === null || !Array.isArray(req.resourceMetrics)) {
    throw new Error('OTLP body: expected {"resourceMetrics": [...]} (JSON encoding of ExportMetricsServiceRequest)');
  }
  const samples: Sample[] = [];
  let dropped = 0;
  for (const rm of req.resourceMetrics) {
    const service = token(attr(rm.resource?.attributes, 'service.name') ?? 'otlp');
    const instance = token(attr(rm.resource?.attributes, 'service.instance.id') ?? 'otlp');
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const value = metricValue(m, memory, `${service}|${instance}|${m.name}`, now);
        if (value === undefined) { dropped++; continue; }
        const unit = UNIT[m.unit ?? ''];
        samples.push({ service, instance, metric: token(m.name ?? 'metric'), value, ts: now, ...(unit ? { unit } : {}) });
      }
    }
  }
  return { samples, dropped };
}

function metricValue(m: OtlpMetric, memory: CounterMemory, scope: string, now: number): number | undefined {
  if (m.gauge) {
    const values = (m.gauge.dataPoints ?? []).map(pointValue).filter(Number.isFinite);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
  }
  if (m.sum) {
    const points = m.sum.dataPoints ?? [];
    const total = points.map(pointValue).filter(Number.isFinite).reduce((a, b) => a + b, 0);
    if (!m.sum.isMonotonic) return points.length ? total : undefined;
    if (m.sum.aggregationTemporality === DELTA) {
      const spanS = Math.max(...points.map((p) => (num(p.timeUnixNano) - num(p.startTimeUnixNano)) / 1e9).filter(Number.isFinite), 0);
      return spanS > 0 ? total / spanS : undefined;
    }
    return memory.rate(scope, total, now);
  }
  if (m.histogram) return histogramP95(m.histogram.dataPoints ?? [], m.histogram.aggregationTemporality, memory, scope, now);
  return undefined;
}

function pointValue(p: NumberPoint): number {
  return p.asDouble !== undefined ? Number(p.asDouble) : num(p.asInt);
}

function histogramP95(points: HistogramPoint[], temporality: number | undefined, memory: CounterMemory, scope: string, now: number): number | undefined {
  const bounds = points[0]?.explicitBounds ?? [];
  const counts = bounds.map(() => 0).concat(0);
  for (const p of points) (p.bucketCounts ?? []).forEach((c, i) => { if (i < counts.length) counts[i] += num(c); });
  let cumulative = 0;
  const buckets = counts.map((c, i) => ({ le: i < bounds.length ? bounds[i] : Infinity, count: (cumulative += c) }));
  if (temporality !== DELTA) {
    // Cumulative export: the quantile of what arrived since the previous export.
    let first = false;
    for (const b of buckets) {
      const r = memory.rate(`${scope}|${b.le}`, b.count, now);
      if (r === undefined) first = true; else b.count = r;
    }
    if (first) return undefined;
  }
  return histogramQuantile(0.95, buckets);
}
