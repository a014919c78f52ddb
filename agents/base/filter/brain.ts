import { Metrics, type CatalogEntry, type CleanSample, type MetricName, type Sample, type ServiceMeta } from '../../../runtime/contracts/index.js';

/** A sample the filter refused, with the reason (it goes to the DLQ). */
export interface Rejected { sample: Sample; reason: string }

const PERCENT_SLACK = 0.5; // rounding in exporters can give 100.2 %

/** Converts a raw value to the canonical unit of its metric, or explains why it cannot. */
export function normalise(sample: Sample): { value: number } | { reason: string } {
  const { value, unit, metric } = sample;
  if (!Number.isFinite(value)) return { reason: `value is not a finite number` };
  const canonical = (Metrics as Record<string, { unit: string }>)[metric]?.unit;
  let v = value;
  if (canonical === 'percent') {
    if (unit === 'ratio') v = value * 100;
    else if (unit !== undefined && unit !== 'percent') return { reason: `unit '${unit}' cannot be a percentage (${metric})` };
    if (v < 0 || v > 100 + PERCENT_SLACK) return { reason: `${metric} = ${v} % is outside 0-100` };
    return { value: Math.min(v, 100) };
  }
  if (canonical === 'ms') {
    if (unit === 's') v = value * 1000;
    else if (unit === 'us') v = value / 1000;
    else if (unit !== undefined && unit !== 'ms') return { reason: `unit '${unit}' is not a duration (${metric})` };
  }
  if (canonical !== undefined && v < 0) return { reason: `${metric} = ${v} cannot be negative` };
  return { value: v };
}

/** Default metadata for a service the catalogue does not know. */
export const UNKNOWN_SERVICE: ServiceMeta = { tier: 'unknown', owner: 'unknown', criticality: 'medium', dependsOn: [] };

/** The metadata the filter attaches to a service's samples. */
export function metaFor(entry: CatalogEntry | undefined): ServiceMeta {
  if (!entry) return UNKNOWN_SERVICE;
  return { tier: entry.tier, owner: entry.owner, criticality: entry.criticality, dependsOn: entry.dependsOn };
}

/**
 * Cleans one raw batch: canonical units, finite in-range values, samples of other services
 * than the batch's refused. Pure; the agent publishes `clean` and DLQs `rejected`.
 */
export function cleanBatch(service: string, samples: readonly Sample[]): { clean: CleanSample[]; rejected: Rejected[] } {
  const clean: CleanSample[] = [];
  const rejected: Rejected[] = [];
  for (const sample of samples) {
    if (sample.service !== service) { rejected.push({ sample, reason: `sample of service '${sample.service}' in the batch of '${service}'` }); continue; }
    const result = normalise(sample);
    if ('reason' in result) { rejected.push({ sample, reason: result.reason }); continue; }
    clean.push({ service, instance: sample.instance, metric: sample.metric, value: result.value, ts: sample.ts });
  }
  return { clean, rejected };
}

export type { MetricName };
