import {
  BatchBuilder, Metrics, rawSampleAt, type CatalogEntry, type CleanBatch, type MetricName, type RawBatch, type RawUnit, type Sample, type ServiceMeta,
} from '../../../runtime/contracts/index.js';
import type { AdaptiveSampler } from './sampler.js';

/** A sample the filter refused, with the reason (it goes to the DLQ). */
export interface Rejected { sample: Sample; reason: string }

const PERCENT_SLACK = 0.5; // rounding in exporters can give 100.2 %

/** Converts a raw value to the canonical unit of its metric, or explains why it cannot. */
export function normalise(metric: string, value: number, unit: RawUnit | '' | undefined): { value: number } | { reason: string } {
  if (!Number.isFinite(value)) return { reason: `value is not a finite number` };
  const canonical = (Metrics as Record<string, { unit: string }>)[metric]?.unit;
  let v = value;
  if (canonical === 'percent') {
    if (unit === 'ratio') v = value * 100;
    else if (unit && unit !== 'percent') return { reason: `unit '${unit}' cannot be a percentage (${metric})` };
    if (v < 0 || v > 100 + PERCENT_SLACK) return { reason: `${metric} = ${v} % is outside 0-100` };
    return { value: Math.min(v, 100) };
  }
  if (canonical === 'ms') {
    if (unit === 's') v = value * 1000;
    else if (unit === 'us') v = value / 1000;
    else if (unit && unit !== 'ms') return { reason: `unit '${unit}' is not a duration (${metric})` };
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
 * Cleans one raw batch column by column: canonical units, finite in-range values, each service's
 * metadata from `metaOf`. Pure; the agent publishes `clean` (null when nothing survived) and DLQs
 * `rejected`. With a sampler, valid samples it drops (stable stretches) are left out of `clean`.
 */
export function cleanBatch(raw: RawBatch, metaOf: (service: string) => ServiceMeta, sampler?: AdaptiveSampler): { clean: CleanBatch | null; rejected: Rejected[] } {
  const out = new BatchBuilder();
  const rejected: Rejected[] = [];
  for (let i = 0; i < raw.value.length; i++) {
    const m = raw.metric[i];
    const metric = raw.metrics[m];
    const result = normalise(metric, raw.value[i], raw.units[m]);
    if ('reason' in result) { rejected.push({ sample: rawSampleAt(raw, i), reason: result.reason }); continue; }
    const service = raw.services[raw.service[i]];
    const instance = raw.instances[raw.instance[i]];
    if (sampler && !sampler.keep(service, instance, metric, result.value, raw.ts[i])) continue;
    out.add(service, instance, metric, result.value, raw.ts[i]);
  }
  return { clean: out.size > 0 ? out.clean(metaOf) : null, rejected };
}

export type { MetricName };
