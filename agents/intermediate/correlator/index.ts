import { Type } from '@sinclair/typebox';
import { Subjects, type Incident } from '../../../runtime/contracts/index.js';
import { defineAgent, type CatalogView } from '../../../runtime/host/define-agent.js';
import { Correlator, type CatalogSnapshot } from './brain.js';

function snapshot(catalog: CatalogView): CatalogSnapshot {
  return { topology: (service) => catalog.get(service), services: catalog.all().map((e) => e.service) };
}

/** Correlator: alerts + windows -> incidents grouped along the dependency graph, with root cause and pattern. */
export default defineAgent({
  kind: 'correlator',
  tier: 'intermediate',
  description: 'groups alerts into incidents along the dependency graph, ranks the root cause, names the pattern, resolves after a quiet period',
  consumes: [Subjects.alert, Subjects.agg],
  produces: [Subjects.incident],
  clock: 'upstream',
  config: Type.Object({
    windowS: Type.Integer({ minimum: 1, default: 300, description: 'an alert joins an incident of its dependency chain active within this window' }),
    quietS: Type.Integer({ minimum: 0, default: 180, description: 'no active alert for this long resolves the incident' }),
    alertTtlS: Type.Integer({ minimum: 0, default: 0, description: 'an alert neither repeated nor cleared for this long ends; 0 = never' }),
    rootTieS: Type.Integer({ minimum: 0, default: 60, description: "services alerting this close to an incident's first alert are its onset: root cause among them, most upstream first" }),
    deployWindowS: Type.Integer({ minimum: 0, default: 600, description: 'deploy_version change this close before an error_rate alert = deploy regression' }),
    ddosSourceShare: Type.Number({ minimum: 0, maximum: 100, default: 50, description: 'top_sources_share (%) above which a surge is an attack' }),
    heavySourceShare: Type.Number({ minimum: 0, maximum: 100, default: 25, description: 'heavy_sources_share (%) above which a surge is an attack: users never send 10x the median rate, a quarter of the traffic from such sources is a flood' }),
    poolHighPct: Type.Number({ minimum: 0, maximum: 100, default: 85, description: 'db_pool_usage (%) counted as high' }),
    lockWaitShare: Type.Number({ minimum: 0, maximum: 1, default: 0.25, description: 'db_lock_wait_ms over db_latency_ms above which queries are blocked behind locks, not short of connections' }),
    networkShare: Type.Number({ minimum: 0, maximum: 1, default: 0.25, description: 'net_latency_ms over latency_ms above which the network to the nodes, not the service, is slow' }),
    canaryMargin: Type.Number({ minimum: 0, default: 0.5, description: "a release is worse than the one it replaces when, while both serve, its error rate exceeds the previous version's by this share of the service's SLO error rate (half the error budget: more than noise, less than a breach)" }),
    highRpsFactor: Type.Number({ minimum: 1, default: 1.2, description: 'rps over baseline counted as high load (saturation)' }),
    surgeFactor: Type.Number({ minimum: 1, default: 2, description: 'rps over baseline counted as a surge' }),
    surgeHoldS: Type.Integer({ minimum: 0, default: 600, description: 'a detected surge stays ongoing this long' }),
    historyWindows: Type.Integer({ minimum: 4, maximum: 120, default: 10, description: 'window means kept per metric for trends and correlation' }),
  }, { additionalProperties: false }),
  start({ bus, catalog, clock, counters }, config) {
    const brain = new Correlator(config);
    const publish = (incidents: Incident[]): void => {
      for (const inc of incidents) {
        bus.emit(Subjects.incident, [inc.service], inc);
        const counter = inc.status === 'resolved' ? 'resolved' : 'updates';
        counters[counter] = (counters[counter] ?? 0) + 1;
      }
    };
    bus.on(Subjects.alert, (alert) => publish(brain.alert(alert, snapshot(catalog))));
    bus.on(Subjects.agg, (window) => publish(brain.window(window, Math.max(clock.now(), window.end), snapshot(catalog))));
    return {
      inspect: () => brain.state(),
      onWatermark: (ts) => publish(brain.advance(ts, snapshot(catalog))),
      reset: (_startTs, runId) => brain.reset(runId),
      reconfigure: (next) => brain.reconfigure(next),
    };
  },
});
