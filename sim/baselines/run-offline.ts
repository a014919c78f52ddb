import type { Action } from '../../runtime/contracts/control.js';
import { HpaScaler, type PodMetric } from '../../policies/hpa.js';
import { runReportFrom, type RunReport } from '../report.js';
import { createWorld, type ServiceInspection, type World } from '../world.js';
import type { RunMetrics } from '../run-metrics.js';
import type { Scenario, ServiceSpec } from '../scenario-schema.js';

/**
 * The baselines a fleet run is compared with: no automation, a Kubernetes HPA on CPU, and an
 * HPA on requests per instance (what KEDA or a custom metric gives).
 */
export const BaselineControllers = ['none', 'hpa', 'hpa-rps'] as const;
export type BaselineController = (typeof BaselineControllers)[number];

/** Result of an in-process run: the report, the raw metrics and the finished world. */
export interface OfflineRun { report: RunReport; metrics: RunMetrics; world: World; wallSeconds: number }

/** How the baseline HPAs are set up; every field has the Kubernetes default. */
export interface BaselineOptions {
  /** Seconds between two HPA syncs, event time (kube-controller-manager --horizontal-pod-autoscaler-sync-period). */
  syncS: number;
  /** Seconds the metric is averaged over: metrics-server's 15 s resolution, one scrape stale at most. */
  metricWindowS: number;
  /** Target average CPU, percent of the request. */
  targetCpu: number;
}

export const defaultBaselineOptions: BaselineOptions = { syncS: 15, metricWindowS: 30, targetCpu: 70 };

/**
 * The per-pod metric an HPA reads for a service, as metrics-server would serve it: CPU in percent
 * of the request (`cpu` of the model is percent of the limit, so x cpuLimitRatio: a pod bursting
 * to its limit reads 200 % at the default ratio), or requests/s per ready pod.
 */
function podValue(controller: 'hpa' | 'hpa-rps', v: ServiceInspection, spec: ServiceSpec): number {
  return controller === 'hpa' ? v.cpu * spec.cpuLimitRatio : v.ready > 0 ? v.received / v.ready : 0;
}

/**
 * The target of the rps HPA: what one pod serves at the CPU target, i.e. the CPU HPA's operating
 * point expressed in requests (an operator sizes it from a load test the same way).
 */
function rpsTarget(spec: ServiceSpec, opts: BaselineOptions): number {
  return (opts.targetCpu / 100) * (spec.capacityRps * spec.size) / spec.cpuLimitRatio;
}

/** Trailing mean of one service's metric over `windowS` of event time. */
class MetricWindow {
  readonly #points: { ts: number; v: number }[] = [];
  constructor(private readonly windowS: number) {}
  add(ts: number, v: number): number {
    this.#points.push({ ts, v });
    while (this.#points.length > 1 && this.#points[0].ts <= ts - this.windowS * 1000) this.#points.shift();
    return this.#points.reduce((a, p) => a + p.v, 0) / this.#points.length;
  }
}

/**
 * Plays a scenario in-process, start to end, with no automation (`none`) or with a Kubernetes HPA
 * (policies/hpa.ts: the autoscaling/v2 algorithm with default behaviour) on every service that
 * has instances to scale, syncing every `syncS` of event time on the averaged per-pod metric, with
 * booting and restarting pods unready. Deterministic for a seed. timeToDetect for an HPA is its
 * first scale decision at or after the onset; for `none`, null.
 */
export function runOffline(
  scenario: Scenario,
  opts: { seed?: number; controller: BaselineController; baseline?: Partial<BaselineOptions> },
): OfflineRun {
  const t0 = performance.now();
  const cfg = { ...defaultBaselineOptions, ...opts.baseline };
  const world = createWorld(scenario, { seed: opts.seed });
  const specs = new Map(scenario.services.map((s) => [s.service, s]));
  const scalers = new Map<string, { hpa: HpaScaler; metric: MetricWindow }>();
  const onsetTs = scenario.expect.onsetS === null ? world.startTs : world.startTs + scenario.expect.onsetS * 1000;
  const syncMs = cfg.syncS * 1000;
  let lastSync = Number.NEGATIVE_INFINITY;
  let firstReaction: number | null = null;
  let n = 0;
  while (!world.done()) {
    const { ts } = world.step();
    if (opts.controller === 'none') continue;
    const controller = opts.controller;
    const sync = Math.floor(ts / syncMs) > Math.floor(lastSync / syncMs);
    for (const v of world.inspect()) {
      const spec = specs.get(v.service)!;
      if (spec.kind === 'partner') continue;
      let s = scalers.get(v.service);
      if (!s) {
        const target = controller === 'hpa' ? cfg.targetCpu : rpsTarget(spec, cfg);
        const hpa = new HpaScaler({ targetUtilization: target, minReplicas: spec.minInstances ?? spec.instances, maxReplicas: spec.maxInstances });
        scalers.set(v.service, (s = { hpa, metric: new MetricWindow(cfg.metricWindowS) }));
      }
      const value = s.metric.add(ts, podValue(controller, v, spec));
      if (!sync || v.ready === 0) continue;
      const pods: PodMetric[] = [];
      for (let k = 0; k < v.total; k++) pods.push(k < v.ready ? { utilization: value } : { utilization: null, ready: false });
      const desired = s.hpa.recommend(v.total, pods, ts);
      if (desired === v.total) continue;
      const action: Action = {
        actionId: `${controller}-${v.service}-${++n}`, runId: `${controller}-${scenario.name}`, type: desired > v.total ? 'scale-out' : 'scale-in',
        service: v.service, params: { instances: desired }, dryRun: false, reason: `${controller}: ${value.toFixed(1)} vs target`, ts,
      };
      world.apply(action, ts);
      if (firstReaction === null && ts >= onsetTs) firstReaction = ts;
    }
    if (sync) lastSync = ts;
  }
  const report = runReportFrom(world, { detectedAt: firstReaction, rootCause: null });
  return { report, metrics: world.metrics(), world, wallSeconds: (performance.now() - t0) / 1000 };
}
