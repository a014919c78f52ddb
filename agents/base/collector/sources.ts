import { cpus, freemem, totalmem } from 'node:os';
import type { Sample } from '../../../runtime/contracts/index.js';
import { mapToMetrics, parsePrometheusText, type MetricMap } from './prometheus.js';

/** Counter -> rate conversion for scraped counters (requests, errors), per target. */
export class CounterRates {
  readonly #last = new Map<string, { value: number; ts: number }>();

  /** Per-second rate since the previous reading, or undefined on the first reading or a reset. */
  rate(key: string, value: number, ts: number): number | undefined {
    const prev = this.#last.get(key);
    this.#last.set(key, { value, ts });
    if (!prev || ts <= prev.ts || value < prev.value) return undefined;
    return (value - prev.value) / ((ts - prev.ts) / 1000);
  }
}

export interface ScrapeTarget {
  service: string; instance: string; url: string; metrics: MetricMap; rates: Record<string, string>;
  /** A Prometheus histogram whose mean over the last interval becomes a latency metric in ms. */
  latency?: { histogram: string; metric: string };
}

/**
 * Scrapes one Prometheus /metrics endpoint over HTTP and turns it into samples: gauges via
 * `metrics`, counters via `rates` (promName -> vigil metric, per second).
 */
export async function scrapeTarget(target: ScrapeTarget, ts: number, rates: CounterRates, timeoutMs: number): Promise<{ samples: Sample[]; errors: string[] }> {
  const res = await fetch(target.url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`scrape ${target.url}: HTTP ${res.status}`);
  const { samples: prom, errors } = parsePrometheusText(await res.text());
  const samples: Sample[] = mapToMetrics(prom, target.metrics).map((m) => ({
    service: target.service, instance: target.instance, metric: m.metric, value: m.value, ts,
    ...(m.unit ? { unit: m.unit } : {}),
  }) as Sample);
  for (const [promName, metric] of Object.entries(target.rates)) {
    const total = prom.filter((p) => p.name === promName).reduce((a, p) => a + p.value, 0);
    const r = rates.rate(`${target.url}|${promName}`, total, ts);
    if (r !== undefined) samples.push({ service: target.service, instance: target.instance, metric, value: r, unit: 'rps', ts });
  }
  if (target.latency) {
    const sum = prom.filter((p) => p.name === `${target.latency!.histogram}_sum`).reduce((a, p) => a + p.value, 0);
    const count = prom.filter((p) => p.name === `${target.latency!.histogram}_count`).reduce((a, p) => a + p.value, 0);
    const dSum = rates.rate(`${target.url}|${target.latency.histogram}_sum`, sum, ts);
    const dCount = rates.rate(`${target.url}|${target.latency.histogram}_count`, count, ts);
    if (dSum !== undefined && dCount !== undefined && dCount > 0) {
      samples.push({ service: target.service, instance: target.instance, metric: target.latency.metric, value: (dSum / dCount) * 1000, unit: 'ms', ts });
    }
  }
  return { samples, errors };
}

/** CPU and memory of the machine the collector runs on, as samples of service `service`. */
export class HostMetrics {
  #prev = cpuTimes();

  read(service: string, instance: string, ts: number): Sample[] {
    const now = cpuTimes();
    const busy = now.busy - this.#prev.busy;
    const total = now.total - this.#prev.total;
    this.#prev = now;
    const samples: Sample[] = [
      { service, instance, metric: 'memory', value: (1 - freemem() / totalmem()) * 100, unit: 'percent', ts },
    ];
    if (total > 0) samples.push({ service, instance, metric: 'cpu', value: (busy / total) * 100, unit: 'percent', ts });
    return samples;
  }
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}
