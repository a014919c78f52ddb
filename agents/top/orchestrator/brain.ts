/**
 * The orchestrator's pure brain (DESIGN §5): it owns the policy machines (one scaling run per
 * service, one remediation run at a time and one escalation per incident), feeds them inputs
 * with their event time and returns what to publish and persist. No NATS, timers or clock.
 *
 * Determinism: run ids derive from the service or incident id, action ids from the run id and
 * the step (`<runId>_<step>`), so one scenario gives the same decisions every time and a
 * resumed run never mints a second id for a step it already sent.
 *
 * Scaling decides on a window only with the predictor's capacity plan of that window (DESIGN §4:
 * the predictor owns demand and capacity): the plan comes after its window in the same epoch (the
 * predictor ranks after the aggregator), so a window waits for its plan, or for the epoch's end
 * when none comes (the latest plan's capacity then, no demand); the forecasts of a waiting
 * window's service wait with it, so the machine sees window, plan, then forecasts, as before.
 *
 * Persistence: every run's snapshot is returned (key = run id) whenever it changed, and deleted
 * when the run ends; the brain's own state (incidents, limiter, monitoring boosts) under
 * `orchestrator-brain`. Deadlines live in the snapshots as event times, so `resume(now)` only
 * re-publishes in-flight actions (same ids) and fires whatever fell due during the downtime.
 */
import type { ActionResult, AggWindow, CapacityPlan, CatalogEntry, Forecast, Impact, Incident } from '../../../runtime/contracts/index.js';
import { loadPolicy } from '../../../policies/load.js';
import { tokenOf } from '../../../policies/machine-kit.js';
import { editPolicy } from '../../../policies/policy-edit.js';
import type { OrchestratorPolicy, ScalingPolicy } from '../../../policies/schema.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import { Outbox, type IncidentView, type OrchestratorBrain, type OrchestratorOptions, type OrchestratorOutput } from './brain-types.js';
import { IncidentDesk, emptyDesk, type DeskState } from './incident-runs.js';
import { releaseAll } from './monitoring-boost.js';
import { PolicyRun } from './policy-run.js';
import { RunInputs, isInputKey } from './run-inputs.js';

export type { BrainDirective, IncidentView, OrchestratorBrain, OrchestratorOptions, OrchestratorOutput } from './brain-types.js';

/** KV key of the brain's own state, beside the run snapshots. */
export const BRAIN_STATE_KEY = 'orchestrator-brain';

/**
 * Creates the brain. `policy` is merged over policies/defaults and validated (throws a
 * ConfigError naming the bad path); `restore` is the content of the snapshot bucket.
 */
export function createOrchestratorBrain(options: OrchestratorOptions = {}): OrchestratorBrain {
  return new Brain(options);
}

type RunEvent = { type: string; now: number; [k: string]: unknown };

class Brain implements OrchestratorBrain {
  #policy: OrchestratorPolicy;
  readonly #dryRun: boolean;
  readonly #forecastOnly: boolean;
  readonly #catalog: (service: string) => CatalogEntry | undefined;
  readonly #held: (runId: string) => boolean;
  readonly #runs = new Map<string, PolicyRun>();
  /** the read-only inputs the runs' snapshots refer to (scaling policies, escalation tables) */
  readonly #inputs = new RunInputs();
  readonly #windows = new Map<string, AggWindow>();
  /** the latest capacity plan per service */
  readonly #plans = new Map<string, CapacityPlan>();
  /** per service, the window scaling has not decided on yet (its plan has not come) and the forecasts held behind it */
  readonly #awaiting = new Map<string, { window: AggWindow; forecasts: Forecast[] }>();
  readonly #counters = { actions: 0, results: 0, resultsIgnored: 0, staleIncidentUpdates: 0, directivesApplied: 0, directivesRejected: 0, restoreErrors: 0 };
  readonly #restoreErrors: string[] = [];
  #desk: IncidentDesk;
  #persistedDesk = '';
  #clock = 0;

  constructor(options: OrchestratorOptions) {
    this.#policy = loadPolicy(options.policy);
    this.#dryRun = options.dryRun ?? false;
    this.#forecastOnly = options.forecastOnly ?? false;
    this.#catalog = options.catalog ?? (() => undefined);
    this.#held = options.held ?? (() => false);
    this.#desk = this.#newDesk(emptyDesk());
    const restore = Object.entries(options.restore ?? {});
    for (const [key, value] of restore) if (isInputKey(key)) this.#inputs.load(key, value);
    for (const [key, value] of restore) if (!isInputKey(key)) this.#restore(key, value);
  }

  onAgg(agg: AggWindow, now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      if (agg.windowS !== this.#policy.scaling.windowS) return; // one window size, so no sample counts twice
      this.#windows.set(agg.service, agg);
      for (const run of [...this.#runs.values()]) {
        if (run.meta.kind === 'remediation' && run.meta.service === agg.service) this.#send(run, { type: 'METRICS', now, window: agg }, out);
      }
      if (!this.#scalingPolicyFor(agg.service)) return;
      if (this.#awaiting.has(agg.service)) this.#evaluate(agg.service, now, out); // its plan never came
      this.#awaiting.set(agg.service, { window: agg, forecasts: [] });
    });
  }

  onPlan(plan: CapacityPlan, now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      this.#plans.set(plan.service, plan);
      if (this.#awaiting.get(plan.service)?.window.end === plan.windowEnd) this.#evaluate(plan.service, now, out);
    });
  }

  onIncident(incident: Incident, now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      if (incident.status === 'resolved') this.#desk.resolve(incident.id, now, out, 'correlator', incident.revision);
      else if (!this.#desk.open(incident, now, out)) this.#counters.staleIncidentUpdates++;
    });
  }

  onForecast(f: Forecast, now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      const policy = this.#scalingPolicyFor(f.service);
      if (!policy || this.#desk.holds(f.service)) return;
      const waiting = this.#awaiting.get(f.service);
      if (waiting) { waiting.forecasts.push(f); return; }
      this.#send(this.#scalingRun(f.service, policy, out, now), { type: 'FORECAST', now, forecast: f, policy }, out);
    });
  }

  onImpact(i: Impact, now: number): OrchestratorOutput {
    return this.#call(now, () => this.#desk.impact(i));
  }

  onActionResult(r: ActionResult, now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      this.#counters.results++;
      const run = [...this.#runs.values()].find((x) => x.pending?.actionId === r.actionId);
      if (!run) { this.#counters.resultsIgnored++; return; }
      this.#send(run, { type: 'RESULT', now, result: r }, out);
    });
  }

  /**
   * Event time reached `now`: every input of the epoch has been handled (the host delivers an
   * epoch's inputs before its watermark), so the incidents updated in it are settled and can be
   * remediated as a whole.
   */
  advance(now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      for (const service of [...this.#awaiting.keys()]) this.#evaluate(service, now, out);
      this.#desk.settle(now, out, true);
    });
  }

  resume(now: number): OrchestratorOutput {
    const out = new Outbox();
    this.#clock = Math.max(this.#clock, now);
    for (const run of [...this.#runs.values()]) {
      if (this.#held(run.meta.runId)) continue; // its action waits for a human (approval gate)
      this.#send(run, { type: 'RESUME', now }, out); // same ids, deadlines re-armed from now
      this.#send(run, { type: 'TICK', now }, out); // whatever else fell due while down
    }
    return this.#finish(out);
  }

  release(runId: string, now: number): OrchestratorOutput {
    return this.#call(now, (out) => {
      const run = this.#runs.get(runId);
      if (run) this.#send(run, { type: 'RESUME', now }, out);
    });
  }

  applyDirective(type: string, params: Record<string, unknown>): { status: 'applied' | 'rejected' | 'unchanged'; detail?: string } {
    const edit = editPolicy(this.#policy, type, params, 'orchestrator');
    this.#policy = edit.policy;
    if (edit.status === 'applied') this.#counters.directivesApplied++;
    if (edit.status === 'rejected') this.#counters.directivesRejected++;
    return edit.detail === undefined ? { status: edit.status } : { status: edit.status, detail: edit.detail };
  }

  incidents(): IncidentView[] {
    return this.#desk.views();
  }

  ack(incidentId: string, now: number): OrchestratorOutput {
    return this.#call(now, (out) => { this.#desk.ack(incidentId, now, out); });
  }

  resolve(incidentId: string, now: number): OrchestratorOutput {
    return this.#call(now, (out) => this.#desk.resolve(incidentId, now, out, 'operator'));
  }

  releaseMonitoring(): OrchestratorOutput {
    const out = new Outbox();
    out.directives.push(...releaseAll(this.#desk.state.boosts, this.#policy.remediation.monitoring));
    this.#desk.state.boosts = {};
    return this.#finish(out);
  }

  state(): unknown {
    const p = this.#policy;
    return {
      clock: this.#clock, dryRun: this.#dryRun, forecastOnly: this.#forecastOnly,
      policy: {
        triggers: p.scaling.triggers, horizontal: p.scaling.horizontal, vertical: p.scaling.vertical,
        predictive: p.scaling.predictive, validation: p.scaling.validation, remediation: p.remediation,
        escalation: p.escalation.levels.map((l) => `${l.level}@${l.afterS}s`), catalogue: p.catalogue.map((e) => e.id),
      },
      runs: [...this.#runs.values()].map((r) => ({
        runId: r.meta.runId, kind: r.meta.kind, service: r.meta.service, incidentId: r.meta.incidentId ?? null,
        state: r.value, pending: r.pending?.actionId ?? null,
        ...(r.meta.kind === 'scaling' ? { counters: r.context.counters, cooldownUntil: r.context.cooldownUntil } : {}),
      })),
      incidents: this.#desk.views().filter((i) => i.status !== 'resolved').map((i) => i.id),
      limiter: this.#desk.state.limiter,
      monitoringBoosts: this.#desk.state.boosts,
      counters: this.#counters,
      restoreErrors: this.#restoreErrors,
    };
  }

  #newDesk(state: DeskState): IncidentDesk {
    return new IncidentDesk(state, {
      runs: this.#runs, inputs: this.#inputs, policy: () => this.#policy, window: (s) => this.#windows.get(s), plan: (s) => this.#plans.get(s), catalog: this.#catalog, dryRun: this.#dryRun,
    });
  }

  #restore(key: string, value: unknown): void {
    try {
      if (key === BRAIN_STATE_KEY) {
        const v = value as Partial<DeskState> | null;
        if (!v || typeof v.incidents !== 'object' || typeof v.limiter !== 'object' || typeof v.boosts !== 'object') throw new Error('not a brain state');
        this.#desk = this.#newDesk(structuredClone(v as DeskState));
        this.#persistedDesk = JSON.stringify(v);
        return;
      }
      const run = PolicyRun.restore(value, this.#inputs);
      this.#runs.set(run.meta.runId, run);
    } catch (err) {
      this.#counters.restoreErrors++;
      this.#restoreErrors.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Every entry point: fire due deadlines up to `now`, do the work, collect the output. */
  #call(now: number, body: (out: Outbox) => void): OrchestratorOutput {
    const out = new Outbox();
    // Deadlines only fall due when event time moves: many messages share one event time.
    if (now > this.#clock) {
      // A run hears TICK when one of its deadlines fell due, and at least once a minute of event time.
      const sweep = Math.floor(now / 60_000) > Math.floor(this.#clock / 60_000);
      this.#clock = now;
      for (const run of [...this.#runs.values()]) {
        if (sweep || run.nextDue() <= now) this.#send(run, { type: 'TICK', now }, out);
      }
    }
    body(out);
    // An incident updated in this very epoch waits for the epoch's end (advance): the host hands
    // an epoch's inputs over one by one, and the first update of a tick is not the whole story.
    this.#desk.settle(this.#clock, out, false);
    return this.#finish(out);
  }

  /** Sends an event to a run and lets the incident desk react to what the run became. */
  #send(run: PolicyRun, event: RunEvent, out: Outbox): void {
    // A run whose action waits for a human hears only its answer or its release: any other
    // event would move its clock past the action's deadline (approval gates).
    if (event.type !== 'RESULT' && event.type !== 'RESUME' && this.#held(run.meta.runId)) return;
    run.send(event, out);
    this.#desk.after(run, event.now, out);
  }

  #finish(out: Outbox): OrchestratorOutput {
    const json = JSON.stringify(this.#desk.state);
    if (json !== this.#persistedDesk) {
      this.#persistedDesk = json;
      out.snapshots.push({ key: BRAIN_STATE_KEY, value: JSON.parse(json) as unknown });
    }
    this.#counters.actions += out.actions.length;
    return out.take();
  }

  /** The scaling policy of one service (catalogue bounds and boot delay included); null for a tier we call but do not run. */
  #scalingPolicyFor(service: string): ScalingPolicy | null {
    return scalingPolicyFor(this.#policy.scaling, service, this.#catalog(service));
  }

  /** Scaling decides on the service's waiting window with the latest plan, then hears the forecasts held behind it. */
  #evaluate(service: string, now: number, out: Outbox): void {
    const waiting = this.#awaiting.get(service);
    this.#awaiting.delete(service);
    const policy = this.#scalingPolicyFor(service);
    if (!waiting || !policy) return;
    const run = this.#scalingRun(service, policy, out, now);
    const plan = this.#plans.get(service) ?? null;
    this.#send(run, { type: 'EVALUATE', now, window: waiting.window, plan, policy, hold: this.#desk.holds(service) }, out);
    for (const forecast of waiting.forecasts) this.#send(run, { type: 'FORECAST', now, forecast, policy }, out);
  }

  #scalingRun(service: string, policy: ScalingPolicy, out: Outbox, now: number): PolicyRun {
    const runId = `scaling-${tokenOf(service)}`;
    let run = this.#runs.get(runId);
    if (!run) {
      const input = { runId, service, policy, forecastOnly: this.#forecastOnly };
      run = PolicyRun.start({ kind: 'scaling', runId, service, dryRun: this.#dryRun }, input, out, now, this.#inputs);
      this.#runs.set(runId, run);
    }
    return run;
  }
}
