import { Type } from '@sinclair/typebox';
import { Subjects } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { Aggregator } from './brain.js';
import { AlertLifecycleConfig, wireAlertLifecycle } from './alert-wiring.js';

/** Aggregator: clean samples + alerts -> per-service 1-minute windows with confirmed alerts. */
export default defineAgent({
  kind: 'aggregator',
  tier: 'intermediate',
  description: 'per-service event-time windows (mean, p50/p90/p99, rate, instances) and alerts confirmed by several instances; owns the alert lifecycle (ack, resolve, silence, false positive)',
  consumes: [Subjects.clean, Subjects.alert],
  produces: [Subjects.agg, Subjects.alertState],
  clock: 'upstream',
  partitionBy: 'service',
  config: Type.Object({
    windowS: Type.Integer({ minimum: 1, maximum: 3600, default: 60, description: 'published window, seconds' }),
    longWindowS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300, description: 'window kept in state only, seconds' }),
    confirmInstances: Type.Integer({ minimum: 0, maximum: 1000, default: 0, description: 'instances that must agree on an alert; 0 = 1 for a single instance, else 2' }),
    ...AlertLifecycleConfig,
  }, { additionalProperties: false }),
  async start(ctx, config) {
    const { bus, counters, clock } = ctx;
    const brain = new Aggregator(config);
    const alerts = await wireAlertLifecycle(ctx, config);
    bus.on(Subjects.clean, (batch) => {
      brain.observe(batch);
      counters.samples = (counters.samples ?? 0) + batch.value.length;
    });
    bus.on(Subjects.alert, (alert) => { brain.alert(alert); alerts.observe(alert, clock.now()); });
    return {
      inspect: () => ({ ...(brain.state() as object), alertLifecycle: alerts.state() }),
      onWatermark(ts) {
        for (const window of brain.advance(ts)) bus.emit(Subjects.agg, [window.service], window);
        alerts.onWatermark(ts);
      },
      reset: (_startTs, runId) => { brain.reset(); alerts.reset(runId); },
      reconfigure: (next) => { brain.reconfigure(next); alerts.reconfigure(next); },
      endpoints: { alerts: alerts.endpoint },
      stop: () => alerts.stop(),
    };
  },
});
