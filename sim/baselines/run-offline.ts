import type { Action } from '../../runtime/contracts/control.js';
import { createHpaController, defaultHpaConfig, type HpaConfig } from './hpa-controller.js';
import { runReportFrom, type RunReport } from '../report.js';
import { createWorld, type World } from '../world.js';
import type { RunMetrics } from '../run-metrics.js';
import type { Scenario } from '../scenario-schema.js';

/** The baselines a fleet run is compared with. */
export type BaselineController = 'none' | 'hpa';

/** Result of an in-process run: the report, the raw metrics and the finished world. */
export interface OfflineRun { report: RunReport; metrics: RunMetrics; world: World; wallSeconds: number }

/**
 * Plays a scenario in-process, start to end, with no automation (`none`) or with an HPA-style
 * CPU scaler on every service that has instances to scale (`hpa`). Deterministic for a seed.
 * timeToDetect for `hpa` is its first scale decision at or after the onset; for `none`, null.
 */
export function runOffline(
  scenario: Scenario,
  opts: { seed?: number; controller: BaselineController; hpa?: Partial<HpaConfig> },
): OfflineRun {
  const t0 = performance.now();
  const world = createWorld(scenario, { seed: opts.seed });
  const hpa = createHpaController({ ...defaultHpaConfig, ...opts.hpa });
  const specs = new Map(scenario.services.map((s) => [s.service, s]));
  const onsetTs = scenario.expect.onsetS === null ? world.startTs : world.startTs + scenario.expect.onsetS * 1000;
  let firstReaction: number | null = null;
  let n = 0;
  while (!world.done()) {
    const { ts } = world.step();
    if (opts.controller !== 'hpa') continue;
    for (const v of world.inspect()) {
      const spec = specs.get(v.service)!;
      if (spec.kind === 'partner') continue;
      const desired = hpa.decide(v.service, {
        replicas: v.total, ready: v.ready, readyCpu: v.cpu,
        min: spec.minInstances ?? spec.instances, max: spec.maxInstances,
      }, ts);
      if (desired === null) continue;
      const action: Action = {
        actionId: `hpa-${v.service}-${++n}`, runId: `hpa-${scenario.name}`, type: desired > v.total ? 'scale-out' : 'scale-in',
        service: v.service, params: { instances: desired }, dryRun: false, reason: `hpa: cpu ${v.cpu.toFixed(0)} % vs target`, ts,
      };
      world.apply(action, ts);
      if (firstReaction === null && ts >= onsetTs) firstReaction = ts;
    }
  }
  const report = runReportFrom(world, { detectedAt: firstReaction, rootCause: null });
  return { report, metrics: world.metrics(), world, wallSeconds: (performance.now() - t0) / 1000 };
}
