/**
 * The orchestrator's pure brain (DESIGN §5): it owns the policy machines (one scaling run per
 * service, one remediation run at a time and one escalation per incident), feeds them inputs
 * with their event time and returns what to publish and persist. No NATS, timers or clock.
 *
 * Determinism: run ids derive from the service or incident id, action ids from the run id and
 * the step (`<runId>_<step>`), so one scenario gives the same decisions every time and a
 * resumed run never mints a second id for a step it already sent.
 *
 * Persistence: every run's snapshot is returned (key = run id) whenever it changed, and deleted
 * when the run ends; the brain's own state (incidents, limiter, monitoring boosts) under
 * `orchestrator-brain`. Deadlines live in the snapshots as event times, so `resume(now)` only
 * re-publishes in-flight actions (same ids) and fires whatever fell due during the downtime.
 */
import type { ActionResult, AggWindow, Forecast, Impact, Incident } from '../../../runtime/contracts/index.js';
import { loadPolicy } from '../../../policies/load.js';
import { tokenOf } from '../../../policies/machine-kit.js';
import { setPolicyPath, setTrigger } from '../../../policies/policy-edit.js';
import type { OrchestratorPolicy } from '../../../policies/schema.js';
import { Outbox, type OrchestratorBrain, type OrchestratorOptions, type OrchestratorOutput } from './brain-types.js';
import { IncidentDesk, emptyDesk, type DeskState } from './incident-runs.js';
import { PolicyRun } from './policy-run.js';

export type { BrainDirective, IncidentView, OrchestratorBrain, OrchestratorOptions, OrchestratorOutput } from './brain-types.js';

/** KV key of the brain's own state, beside the run snapshots. */
export const BRAIN_STATE_KEY = 'orchestrator-brain';

/**
 * Creates the brain. `policy` is merged over policies/defaults and validated (throws a
 * ConfigError naming the bad path); `restore` is the content of the snapshot bucket.
 */
export function createOrchestratorBrain(options: OrchestratorOptions = {}): OrchestratorBrain {
  let policy: OrchestratorPolicy = loadPolicy(options.policy);
  const dryRun = options.dryRun ?? false;
  const forecastOnly = options.forecastOnly ?? false;
  const runs = new Map<string, PolicyRun>();
  const windows = new Map<string, AggWindow>();
  const counters = { actions: 0, results: 0, resultsIgnored: 0, directivesApplied: 0, directivesRejected: 0, restoreErrors: 0 };
  const restoreErrors: string[] = [];
  let desk = new IncidentDesk(emptyDesk(), { runs, policy: () => policy, window: (s) => windows.get(s), dryRun });
  let persistedDesk = '';
  let clock = 0;

  for (const [key, value] of Object.entries(options.restore ?? {})) {
    try {
      if (key === BRAIN_STATE_KEY) {
        desk = new IncidentDesk(value as DeskState, { runs, policy: () => policy, window: (s) => windows.get(s), dryRun });
        persistedDesk = JSON.stringify(value);
      } else {
        const run = PolicyRun.restore(value);
        runs.set(run.meta.runId, run);
      }
    } catch (err) {
      counters.restoreErrors++;
      restoreErrors.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Sends an event to a run and lets the incident desk react to what it became. */
  const send = (run: PolicyRun, event: { type: string; now: number; [k: string]: unknown }, out: Outbox): void => {
    run.send(event, out);
    desk.after(run, event.now, out);
  };

  /** Fires due deadlines up to `now` (every call starts with it). */
  const tick = (now: number, out: Outbox): void => {
    clock = Math.max(clock, now);
    for (const run of [...runs.values()]) send(run, { type: 'TICK', now }, out);
  };

  const finish = (out: Outbox): OrchestratorOutput => {
    const json = JSON.stringify(desk.state);
    if (json !== persistedDesk) {
      persistedDesk = json;
      out.snapshots.push({ key: BRAIN_STATE_KEY, value: JSON.parse(json) as unknown });
    }
    counters.actions += out.actions.length;
    return out.take();
  };

  const scalingRun = (service: string, out: Outbox, now: number): PolicyRun => {
    const runId = `scaling-${tokenOf(service)}`;
    let run = runs.get(runId);
    if (!run) {
      run = PolicyRun.start({ kind: 'scaling', runId, service, dryRun }, { runId, service, policy: policy.scaling, forecastOnly }, out, now);
      runs.set(runId, run);
    }
    return run;
  };

  const call = (now: number, body: (out: Outbox) => void): OrchestratorOutput => {
    const out = new Outbox();
    tick(now, out);
    body(out);
    return finish(out);
  };

  return {
    onAgg: (agg, now) => call(now, (out) => {
      windows.set(agg.service, agg);
      for (const run of [...runs.values()]) {
        if (run.meta.kind === 'remediation' && run.meta.service === agg.service) send(run, { type: 'METRICS', now, window: agg }, out);
      }
      if (agg.windowS !== policy.scaling.windowS) return;
      send(scalingRun(agg.service, out, now), { type: 'EVALUATE', now, window: agg, policy: policy.scaling, hold: desk.holds(agg.service) }, out);
    }),

    onIncident: (incident: Incident, now) => call(now, (out) => {
      if (incident.status === 'open') desk.open(incident, now, out);
      else desk.resolve(incident.id, now, out, 'correlator');
    }),

    onForecast: (f: Forecast, now) => call(now, (out) => {
      if (desk.holds(f.service)) return;
      send(scalingRun(f.service, out, now), { type: 'FORECAST', now, forecast: f, policy: policy.scaling }, out);
    }),

    onImpact: (i: Impact, now) => call(now, () => desk.impact(i)),

    onActionResult: (r: ActionResult, now) => call(now, (out) => {
      counters.results++;
      const run = [...runs.values()].find((x) => x.pending?.actionId === r.actionId);
      if (!run) { counters.resultsIgnored++; return; }
      send(run, { type: 'RESULT', now, result: r }, out);
    }),

    advance: (now) => call(now, () => undefined),

    resume: (now) => {
      const out = new Outbox();
      clock = Math.max(clock, now);
      for (const run of [...runs.values()]) {
        send(run, { type: 'RESUME', now }, out);
        send(run, { type: 'TICK', now }, out);
      }
      return finish(out);
    },

    applyDirective(type, params) {
      const edit = type === 'set-trigger' ? setTrigger(policy, params)
        : type === 'set-policy' ? setPolicyPath(policy, params.path, params.value)
          : { status: 'rejected' as const, detail: `orchestrator does not handle ${type}`, policy };
      policy = edit.policy;
      if (edit.status === 'applied') counters.directivesApplied++;
      if (edit.status === 'rejected') counters.directivesRejected++;
      return edit.detail === undefined ? { status: edit.status } : { status: edit.status, detail: edit.detail };
    },

    incidents: () => desk.views(),

    ack: (incidentId, now) => call(now, (out) => { desk.ack(incidentId, now, out); }),

    resolve: (incidentId, now) => call(now, (out) => desk.resolve(incidentId, now, out, 'operator')),

    state: () => ({
      clock, dryRun, forecastOnly,
      policy: {
        triggers: policy.scaling.triggers, horizontal: policy.scaling.horizontal, vertical: policy.scaling.vertical,
        predictive: policy.scaling.predictive, validation: policy.scaling.validation,
        remediation: policy.remediation, escalation: policy.escalation.levels.map((l) => `${l.level}@${l.afterS}s`),
        catalogue: policy.catalogue.map((e) => e.id),
      },
      runs: [...runs.values()].map((r) => ({
        runId: r.meta.runId, kind: r.meta.kind, service: r.meta.service, incidentId: r.meta.incidentId ?? null,
        state: r.value, pending: r.pending?.actionId ?? null,
        ...(r.meta.kind === 'scaling' ? { counters: r.context.counters, cooldownUntil: r.context.cooldownUntil } : {}),
      })),
      incidents: desk.views().filter((i) => i.status !== 'resolved').map((i) => i.id),
      limiter: desk.state.limiter,
      monitoringBoosts: desk.state.boosts,
      counters,
      restoreErrors,
    }),
  };
}
