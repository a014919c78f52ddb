import type { AggWindow, Alert, AlertLevel, CleanBatch } from '../../../runtime/contracts/index.js';
import { SERVICE_LEVEL_INSTANCE, WindowSeries, type ClosedWindow } from './window.js';
import { dict } from '../../../runtime/dict.js';

/** Aggregator settings (the agent's config schema mirrors this). */
export interface AggregatorConfig {
  /** Emitted window size, seconds (default 60). */
  windowS: number;
  /** Longer window kept in state only, seconds (default 300). */
  longWindowS: number;
  /**
   * Instances that must agree before an alert is confirmed; 0 = automatic: 1 for a
   * single-instance service, else min(2, instances). An alert on instance 'all' confirms alone.
   */
  confirmInstances: number;
}

/** The documented defaults: 1-minute windows published, 5-minute kept, automatic confirmation. */
export const DEFAULT_AGGREGATOR_CONFIG: AggregatorConfig = { windowS: 60, longWindowS: 300, confirmInstances: 0 };

type Confirmed = AggWindow['confirmedAlerts'][number];

interface AlertMark { instance: string; level: Exclude<AlertLevel, 'clear'>; rule: string; ts: number; clearedAt: number | null }

interface ServiceState {
  short: WindowSeries;
  long: WindowSeries;
  /**
   * metric -> "instance rule" -> latest alert state; cleared marks linger one long window. Keyed
   * by rule too: a threshold alert and a statistical one on one series rise and clear apart.
   */
  alerts: Map<string, Map<string, AlertMark>>;
  lastShort: AggWindow | null;
  lastLong: AggWindow | null;
}

/**
 * The aggregator's brain: per-service tumbling windows on event time with count, mean,
 * min/max, p50/p90/p99, last and rate per metric over all instances, and the alerts that
 * enough instances agree on. Pure: samples, alerts and event time come in as arguments.
 */
export class Aggregator {
  #config: AggregatorConfig;
  readonly #services = new Map<string, ServiceState>();
  #late = 0;
  #emitted = 0;

  constructor(config: Partial<AggregatorConfig> = {}) {
    this.#config = { ...DEFAULT_AGGREGATOR_CONFIG, ...config };
  }

  /** Adds a clean batch's samples to their windows. Samples of closed windows are counted as late. */
  observe(batch: CleanBatch): void {
    const services = batch.services.map((name) => this.#service(name));
    for (let i = 0; i < batch.value.length; i++) {
      const s = services[batch.service[i]];
      const instance = batch.instances[batch.instance[i]];
      const metric = batch.metrics[batch.metric[i]];
      if (!s.short.add(instance, metric, batch.value[i], batch.ts[i])) this.#late++;
      s.long.add(instance, metric, batch.value[i], batch.ts[i]);
    }
  }

  /** Records an alert: yellow/red marks its (metric, instance) active, clear ends it. */
  alert(a: Alert): void {
    const s = this.#service(a.service);
    let byInstance = s.alerts.get(a.metric);
    if (!byInstance) { byInstance = new Map(); s.alerts.set(a.metric, byInstance); }
    const key = `${a.instance} ${a.rule}`;
    const previous = byInstance.get(key);
    if (a.level === 'clear') {
      if (previous && previous.clearedAt === null) previous.clearedAt = a.ts;
      return;
    }
    byInstance.set(key, { instance: a.instance, level: a.level, rule: a.rule, ts: a.ts, clearedAt: null });
  }

  /**
   * Event time reached `now`: closes every window that ended, returns the short windows to
   * publish (by service, then start). Long windows are kept in state. O(services) when idle.
   */
  advance(now: number): AggWindow[] {
    const out: AggWindow[] = [];
    for (const service of [...this.#services.keys()].sort()) {
      const s = this.#services.get(service)!;
      for (const w of s.short.close(now)) {
        const agg = this.#finish(service, s, w);
        s.lastShort = agg;
        out.push(agg);
      }
      for (const w of s.long.close(now)) s.lastLong = this.#finish(service, s, w);
      this.#forgetCleared(s, now);
    }
    this.#emitted += out.length;
    return out;
  }

  /** The last closed long (5-minute) window of a service, or null. */
  longWindow(service: string): AggWindow | null {
    return this.#services.get(service)?.lastLong ?? null;
  }

  reconfigure(config: Partial<AggregatorConfig>): void {
    const sizesChanged = (config.windowS ?? this.#config.windowS) !== this.#config.windowS
      || (config.longWindowS ?? this.#config.longWindowS) !== this.#config.longWindowS;
    this.#config = { ...this.#config, ...config };
    if (sizesChanged) this.#services.clear();
  }

  /** Forgets every window and alert (a new simulated run). */
  reset(): void {
    this.#services.clear();
    this.#late = 0;
    this.#emitted = 0;
  }

  /** A compact view for `vigil inspect`: last windows per service (summary) and 5-minute windows. */
  state(): unknown {
    const services: Record<string, unknown> = dict();
    for (const [name, s] of [...this.#services.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const last = s.lastShort;
      services[name] = {
        lastWindow: last && {
          start: last.start, end: last.end, instances: last.instances, confirmedAlerts: last.confirmedAlerts,
          means: Object.fromEntries(Object.entries(last.metrics).map(([m, w]) => [m, round(w.mean)])),
        },
        longWindow: s.lastLong,
        activeAlerts: [...s.alerts.values()].reduce((n, m) => n + [...m.values()].filter((a) => a.clearedAt === null).length, 0),
      };
    }
    return { config: this.#config, emitted: this.#emitted, late: this.#late, services };
  }

  #service(name: string): ServiceState {
    let s = this.#services.get(name);
    if (!s) {
      s = {
        short: new WindowSeries(this.#config.windowS), long: new WindowSeries(this.#config.longWindowS),
        alerts: new Map(), lastShort: null, lastLong: null,
      };
      this.#services.set(name, s);
    }
    return s;
  }

  #finish(service: string, s: ServiceState, w: ClosedWindow): AggWindow {
    return { service, ...w, confirmedAlerts: this.#confirmed(s, w) };
  }

  /** Alerts active at some point of the window in enough instances. */
  #confirmed(s: ServiceState, w: ClosedWindow): Confirmed[] {
    const need = this.#needed(w.instances);
    const out: Confirmed[] = [];
    for (const metric of [...s.alerts.keys()].sort()) {
      const marks = [...s.alerts.get(metric)!.values()]
        .filter((m) => m.ts < w.end && (m.clearedAt === null || m.clearedAt >= w.start));
      const instances = distinct(marks);
      if (instances === 0) continue;
      const serviceLevel = marks.some((m) => m.instance === SERVICE_LEVEL_INSTANCE);
      if (!serviceLevel && instances < need) continue;
      const reds = marks.filter((m) => m.level === 'red');
      const redConfirmed = distinct(reds) >= need || reds.some((m) => m.instance === SERVICE_LEVEL_INSTANCE);
      const lead = (redConfirmed ? reds : marks).reduce((a, b) => (b.ts > a.ts ? b : a));
      out.push({ metric, level: redConfirmed ? 'red' : 'yellow', instances, rule: lead.rule });
    }
    return out;
  }

  #needed(instances: number): number {
    const configured = this.#config.confirmInstances;
    if (configured > 0) return Math.max(1, Math.min(configured, instances));
    return instances <= 1 ? 1 : 2;
  }

  /** Cleared alerts stay visible for one long window (so a short spike still confirms it). */
  #forgetCleared(s: ServiceState, now: number): void {
    const horizon = now - this.#config.longWindowS * 1000;
    for (const [metric, byInstance] of s.alerts) {
      for (const [key, mark] of byInstance) {
        if (mark.clearedAt !== null && mark.clearedAt < horizon) byInstance.delete(key);
      }
      if (byInstance.size === 0) s.alerts.delete(metric);
    }
  }
}

function distinct(marks: readonly AlertMark[]): number {
  return new Set(marks.map((m) => m.instance)).size;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
