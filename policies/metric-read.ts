import type { AggWindow } from '../runtime/contracts/index.js';
import type { Comparison, Condition, Stat } from './schema.js';
import { own } from '../runtime/dict.js';

/**
 * Reads `stat` of `metric` from a window; `instances` reads the window's instance count.
 * Returns undefined when the window does not carry the metric or the value is not finite.
 */
export function readMetric(window: AggWindow | undefined, metric: string, stat: Stat = 'mean'): number | undefined {
  if (!window) return undefined;
  if (metric === 'instances' && !window.metrics.instances) return window.instances;
  const m = own(window.metrics, metric);
  const v = m?.[stat];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `value op threshold`. */
export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '>=': return value >= threshold;
  }
}

/** Whether a precondition holds on a window; a missing metric counts as `cond.ifMissing`. */
export function conditionHolds(window: AggWindow | undefined, cond: Condition): boolean {
  const v = readMetric(window, cond.metric, cond.stat);
  return v === undefined ? cond.ifMissing === 'pass' : compare(v, cond.op, cond.value);
}

/** The metric name of `<service>.<metric>` or of a plain metric name. */
export function bareMetric(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1) : name;
}
