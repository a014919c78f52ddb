import type { AggWindow, AuditEvent, CapacityPlan, CatalogEntry, Impact, Incident } from '../../../runtime/contracts/index.js';
import { emptyLimiter, forgetIncident, giveBack, tryAcquire, type LimiterState } from '../../../policies/limiter.js';
import { tokenOf } from '../../../policies/machine-kit.js';
import type { RemediationOutcome } from '../../../policies/remediation.machine.js';
import { failedPreconditions, relapsed, selectEntry, withMeasuredParams, withSloThreshold } from '../../../policies/remediation-plan.js';
import type { CatalogueEntry, OrchestratorPolicy } from '../../../policies/schema.js';
import type { IncidentView, Outbox } from './brain-types.js';
import { boost, release, type Boosts } from './monitoring-boost.js';
import { PolicyRun } from './policy-run.js';
import type { RunInputs } from './run-inputs.js';

/** What the brain remembers of an incident (persisted with the brain state). */
export interface IncidentRecord {
  id: string;
  token: string;
  service: string;
  services: string[];
  pattern: Incident['pattern'];
  openedAt: number;
  status: 'open' | 'resolved';
  openings: number;
  escalationRunId: string;
  level: string;
  nextEscalationAt: number | null;
  acknowledged: boolean;
  remediations: {
    runId: string; entry: string; outcome: { status: string; reason: string } | null; service?: string; endedAt?: number;
    /** the diagnosis it answered (causeOf); absent in older snapshots */
    cause?: string;
  }[];
  tried: string[];
  impact: IncidentView['impact'];
  note: string | null;
  /** the last update not acted on yet (see IncidentDesk.settle); absent in older snapshots */
  latest?: Incident | null;
  /** the last update acted on: a fix that succeeded on it may be needed again (relapse); absent in older snapshots */
  settled?: Incident | null;
  /** the correlator's weighed causes in its latest update; absent in older snapshots */
  hypotheses?: Incident['hypotheses'];
  /** the highest update revision seen; absent in older snapshots */
  revision?: number;
}

/** The diagnosis an incident update gives: its pattern and the service it points at. */
const causeOf = (incident: Incident): string => `${incident.pattern}@${incident.service}`;

/** The part of the brain state the incident desk owns (plain JSON). */
export interface DeskState { incidents: Record<string, IncidentRecord>; limiter: LimiterState; boosts: Boosts }

/** The desk of a brain that has seen no incident. */
export const emptyDesk = (): DeskState => ({ incidents: {}, limiter: emptyLimiter(), boosts: {} });

const KEEP_RESOLVED = 100;

/** What the desk borrows from the brain: the run registry, the policy in force, the latest windows, the catalogue. */
export interface DeskDeps {
  runs: Map<string, PolicyRun>;
  /** where the runs' shared inputs are persisted once */
  inputs: RunInputs;
  policy(): OrchestratorPolicy;
  window(service: string): AggWindow | undefined;
  /** the predictor's latest capacity plan of the service (a pool sized for its demand) */
  plan(service: string): CapacityPlan | undefined;
  catalog(service: string): CatalogEntry | undefined;
  dryRun: boolean;
}

/**
 * Everything per incident: its escalation run, its remediation runs (one at a time, within the
 * limiter), and the monitoring boost of its services. Runs live in the brain's shared registry.
 */
export class IncidentDesk {
  constructor(public state: DeskState, private readonly deps: DeskDeps) {}

  /**
   * An incident opened or was updated: escalation and monitoring at once, remediation once it
   * settles. An update older than one already seen is stale and returns false: the host hands a
   * tick's messages over ordered by subject, and two updates of one incident with different
   * root-cause services may come in either order.
   */
  open(incident: Incident, now: number, out: Outbox): boolean {
    let rec = this.state.incidents[incident.id];
    if (rec && incident.revision <= (rec.revision ?? 0)) return false;
    if (!rec || rec.status === 'resolved') rec = this.#create(incident, rec, now, out);
    rec.revision = incident.revision;
    rec.services = [...new Set([...rec.services, ...incident.services, incident.service])];
    rec.pattern = incident.pattern;
    rec.latest = incident;
    if (incident.hypotheses) rec.hypotheses = incident.hypotheses;
    this.#boost(rec, out);
    return true;
  }

  /**
   * Remediates the open incidents whose latest update describes a tick event time has passed
   * (or reached, once the epoch ended):
   * the correlator sends one update per alert and window, and by then the whole tick has
   * arrived. Acting on the first update of a tick treated a database cascade as a lone gateway.
   */
  settle(now: number, out: Outbox, epochEnded: boolean): void {
    for (const rec of Object.values(this.state.incidents)) {
      // A diagnosis that moves while a fix runs waits for that fix: the newer one is answered once it
      // ends, unless it succeeded on the same diagnosis (a fix that passed its own validation while
      // the evidence named another cause did not answer that cause).
      if (rec.status !== 'open' || rec.remediations.some((r) => r.outcome === null)) continue;
      const incident = rec.latest;
      const last = rec.remediations.at(-1);
      if (!incident || incident.ts > now || (incident.ts === now && !epochEnded)) {
        // no new update to act on: the fault a fix answered may still be back, if its own signal says so
        if (!rec.latest && rec.settled && last?.outcome?.status === 'done' && this.#relapsed(last, false)) this.#tryRemediation(rec, rec.settled, now, out, last.entry);
        continue;
      }
      rec.latest = null;
      rec.settled = incident;
      const answered = last?.outcome?.status === 'done' && (last.cause ?? causeOf(incident)) === causeOf(incident);
      // a relapse is answered by the fix that worked, if its preconditions still hold; if they do
      // not (no lock wait left to kill), what came back is another cause
      const retried = answered && this.#relapsed(last, true) && this.#tryRemediation(rec, incident, now, out, last.entry);
      if (!retried && (answered || !this.#tryRemediation(rec, incident, now, out))) {
        // the leading cause is fixed, or nothing more can start for it: the next located cause
        const next = this.#nextCause(rec, incident);
        if (next) this.#tryRemediation(rec, next, now, out);
      }
    }
  }

  /**
   * The incident as its next cause shows it, once the leading one was fixed (or has nothing left
   * to try: blocked queries killed, then slow queries filling the pool) and the incident goes
   * on: a cause the correlator located at a service (an attack and the pool it filled, a partner
   * and a node) that no fix answered yet and that a catalogue entry answers. A second cause is
   * less certain than the first: its entry must be one post-validation can undo, unless nothing
   * in the evidence speaks against the cause (a release the canary showed failing, not one blamed
   * on timing alone). null: none.
   */
  #nextCause(rec: IncidentRecord, incident: Incident): Incident | null {
    const fixed = new Set(rec.remediations.filter((r) => r.outcome?.status === 'done').map((r) => r.cause));
    const catalogue = this.deps.policy().catalogue;
    for (const h of incident.hypotheses ?? []) {
      if (!h.holds || !h.at) continue;
      const view: Incident = { ...incident, pattern: h.cause, service: h.at, rootCause: { ...incident.rootCause, service: h.at } };
      if (fixed.has(causeOf(view))) continue;
      const entry = selectEntry(catalogue, view, rec.tried, this.deps.catalog(h.at)?.tier);
      if (entry && (h.against.length === 0 || entry.phases.every((p) => p.undo !== null))) return view;
    }
    return null;
  }

  /** The incident is over (correlator or operator): runs end, monitoring comes back to normal. */
  resolve(id: string, now: number, out: Outbox, by: string, revision?: number): void {
    const rec = this.state.incidents[id];
    if (!rec || rec.status === 'resolved') return;
    rec.status = 'resolved';
    if (revision !== undefined) rec.revision = Math.max(rec.revision ?? 0, revision);
    for (const r of rec.remediations.filter((x) => x.outcome === null)) this.#send(r.runId, { type: 'INCIDENT_RESOLVED', now }, out);
    this.#send(rec.escalationRunId, { type: 'RESOLVE', now }, out);
    const released = release(this.state.boosts, id, this.deps.policy().remediation.monitoring);
    this.state.boosts = released.boosts;
    out.directives.push(...released.directives);
    out.audit.push(this.#note(rec, 'incident-resolved', { by }, now));
    this.#prune();
  }

  ack(id: string, now: number, out: Outbox): boolean {
    const rec = this.state.incidents[id];
    if (!rec || rec.status === 'resolved') return false;
    rec.acknowledged = true;
    this.#send(rec.escalationRunId, { type: 'ACK', now, by: 'operator' }, out);
    return true;
  }

  impact(i: Impact): void {
    const rec = this.state.incidents[i.incidentId];
    if (rec) rec.impact = { priority: i.priority, revenueAtRiskPerMin: i.revenueAtRiskPerMin, interventionWorthIt: i.interventionWorthIt };
  }

  /** Whether scaling must hold still on a service: a remediation is running on it. */
  holds(service: string): boolean {
    return [...this.deps.runs.values()].some((r) => r.meta.kind === 'remediation' && r.meta.service === service && !r.done);
  }

  /** Bookkeeping after any event reached a run of an incident. */
  after(run: PolicyRun, now: number, out: Outbox): void {
    const rec = run.meta.incidentId ? this.state.incidents[run.meta.incidentId] : undefined;
    if (run.meta.kind === 'escalation' && rec && rec.escalationRunId === run.meta.runId) {
      const c = run.context;
      rec.level = c.table.levels[c.level].level;
      rec.nextEscalationAt = c.nextAt;
    }
    if (!run.done) return;
    this.deps.runs.delete(run.meta.runId);
    if (run.meta.kind !== 'remediation' || !rec) return;
    const outcome = run.output as RemediationOutcome;
    const r = rec.remediations.find((x) => x.runId === run.meta.runId);
    if (r) Object.assign(r, { outcome: { status: outcome.status, reason: outcome.reason }, service: run.meta.service, endedAt: now });
    if (r && outcome.status === 'done') this.state.limiter = giveBack(this.state.limiter, { incidentId: rec.id, cause: r.cause });
    if (outcome.status !== 'done' && rec.status === 'open') {
      this.#send(rec.escalationRunId, { type: 'ESCALATE', now, reason: `automatic resolution ${outcome.status}: ${outcome.reason}` }, out);
    }
  }

  views(): IncidentView[] {
    return Object.values(this.state.incidents).map((r) => ({
      id: r.id, service: r.service, services: r.services, pattern: r.pattern,
      status: r.status === 'resolved' ? 'resolved' : r.acknowledged ? 'acknowledged' : 'open',
      level: r.level, nextEscalationAt: r.nextEscalationAt, openedAt: r.openedAt, impact: r.impact,
      remediation: r.remediations.map((x) => ({
        runId: x.runId, entry: x.entry, state: this.deps.runs.get(x.runId)?.value ?? x.outcome?.status ?? 'ended', outcome: x.outcome,
      })),
      note: r.note, hypotheses: r.hypotheses ?? [],
    }));
  }

  #create(incident: Incident, previous: IncidentRecord | undefined, now: number, out: Outbox): IncidentRecord {
    const token = tokenOf(incident.id);
    const openings = (previous?.openings ?? 0) + 1;
    const escalationRunId = openings === 1 ? `esc-${token}` : `esc-${token}-${openings}`;
    const table = this.deps.policy().escalation;
    const rec: IncidentRecord = {
      id: incident.id, token, service: incident.service, services: [], pattern: incident.pattern, openedAt: incident.openedAt,
      status: 'open', openings, escalationRunId, level: table.levels[0].level, nextEscalationAt: null, acknowledged: false,
      remediations: previous?.remediations ?? [], tried: previous?.tried ?? [], impact: previous?.impact ?? null, note: null,
    };
    this.state.incidents[incident.id] = rec;
    const run = PolicyRun.start(
      { kind: 'escalation', runId: escalationRunId, service: incident.service, incidentId: incident.id, dryRun: this.deps.dryRun },
      { incidentId: incident.id, service: incident.service, table, openedAt: Math.min(incident.openedAt, now), now }, out, now, this.deps.inputs,
    );
    this.deps.runs.set(escalationRunId, run);
    this.#send(escalationRunId, { type: 'TICK', now }, out);
    return rec;
  }

  #boost(rec: IncidentRecord, out: Outbox): void {
    const b = boost(this.state.boosts, rec.id, rec.services, this.deps.policy().remediation.monitoring);
    this.state.boosts = b.boosts;
    out.directives.push(...b.directives);
  }

  /**
   * The fault a successful fix answered is back within the same incident (its check fails again
   * on a window after the fix ended): the same fix may run again, within the limiter's bounds,
   * and a fix that keeps being needed escalates (#escalateIfRecurring). Without a new update of
   * the same diagnosis (`confirmed` false) only a check on the fault's own signal counts (memory
   * for a restart, pool usage for a resize): latency or errors over the SLO (`fromSlo`) come
   * back with any fault, a partner timing out after a breaker's fix among them.
   */
  #relapsed(fix: IncidentRecord['remediations'][number], confirmed: boolean): boolean {
    const entry = this.deps.policy().catalogue.find((e) => e.id === fix.entry);
    if (!entry || !fix.service || fix.endedAt === undefined || (!confirmed && entry.postValidation.fromSlo)) return false;
    return relapsed(withSloThreshold(entry, this.deps.catalog(fix.service)), this.deps.window(fix.service), fix.endedAt);
  }

  /**
   * Starts the first untried catalogue entry that answers the incident (`again`: an entry tried
   * before that may run once more). false: none started (none left, waiting, refused, disabled).
   */
  #tryRemediation(rec: IncidentRecord, incident: Incident, now: number, out: Outbox, again?: string): boolean {
    const policy = this.deps.policy();
    if (!policy.remediation.enabled) return false;
    const target = this.#target(incident);
    const { entry, waiting } = this.#pick(rec, incident, target, again);
    if (!entry) {
      const note = waiting.length > 0 ? `waiting for the preconditions of ${waiting.map((w) => w.entry).join(', ')}`
        : rec.tried.length === 0
          ? `no catalogue entry answers ${incident.pattern}/${incident.rootCause.metric}: capacity is the scaling machine's job, people are N1+`
          : `no untried catalogue entry left for ${incident.pattern}`;
      if (rec.note !== note) {
        out.audit.push(this.#note(rec, waiting.length > 0 ? 'remediation-waiting' : 'no-remediation', { pattern: incident.pattern, note, ...(waiting.length > 0 ? { waiting } : {}) }, now));
        if (waiting.length > 0) this.#send(rec.escalationRunId, { type: 'ESCALATE', now, reason: `remediation ${note}` }, out);
      }
      rec.note = note;
      return false;
    }
    const acquired = tryAcquire(this.state.limiter, { incidentId: rec.id, cause: causeOf(incident), service: target, now }, policy.remediation);
    this.state.limiter = acquired.state;
    if (!acquired.ok) {
      if (rec.note !== acquired.reason) {
        out.audit.push(this.#note(rec, 'remediation-refused', { entry: entry.id, reason: acquired.reason }, now));
        this.#send(rec.escalationRunId, { type: 'ESCALATE', now, reason: `remediation refused: ${acquired.reason}` }, out);
      }
      rec.note = acquired.reason;
      return false;
    }
    const runId = `rem-${rec.token}-${rec.remediations.length + 1}`;
    const { breakerThreshold, preValidationTimeoutS, undoTimeoutS, undoAttempts } = policy.remediation;
    const run = PolicyRun.start(
      { kind: 'remediation', runId, service: target, incidentId: rec.id, dryRun: this.deps.dryRun },
      { runId, incidentId: rec.id, service: target, entry: withSloThreshold(withMeasuredParams(entry, this.deps.window(target), this.deps.plan(target)), this.deps.catalog(target)), dryRun: this.deps.dryRun, now,
        settings: { breakerThreshold, preValidationTimeoutS, undoTimeoutS, undoAttempts } }, out, now, this.deps.inputs,
    );
    this.deps.runs.set(runId, run);
    this.#escalateIfRecurring(rec, entry.id, target, now, out);
    rec.tried.push(entry.id);
    rec.remediations.push({ runId, entry: entry.id, outcome: null, cause: causeOf(incident) });
    rec.note = null;
    this.#send(runId, {
      type: 'START', now, window: this.deps.window(target),
      worthIt: rec.impact?.interventionWorthIt, requireWorthIt: policy.remediation.requireWorthIt,
    }, out);
    return true;
  }

  /**
   * The first entry not tried yet (`again`: one that may run once more) that answers the incident
   * and whose preconditions hold on the target's latest window. An answering entry whose
   * preconditions do not hold yet (a pool that a breaker upstream has emptied for a while) is
   * listed in `waiting` and stays untried: a later update may find its fault back in view.
   */
  #pick(rec: IncidentRecord, incident: Incident, target: string, again?: string): { entry: CatalogueEntry | null; waiting: { entry: string; failed: string[] }[] } {
    const exclude = rec.tried.filter((e) => e !== again);
    const waiting: { entry: string; failed: string[] }[] = [];
    const tier = this.deps.catalog(incident.service)?.tier;
    const catalogue = this.deps.policy().catalogue;
    const window = this.deps.window(target);
    const service = this.deps.catalog(target);
    let entry: CatalogueEntry | null;
    while ((entry = selectEntry(catalogue, incident, exclude, tier)) !== null) {
      const failed = failedPreconditions(withSloThreshold(entry, service), window);
      if (failed.length === 0) return { entry, waiting };
      waiting.push({ entry: entry.id, failed });
      exclude.push(entry.id);
    }
    return { entry: null, waiting };
  }

  /**
   * A fix that keeps being needed treats the symptom, not the cause: when `entry` already
   * succeeded on `service` recurringFixes.count times within recurringFixes.withinS, the run goes
   * on (it still mitigates) and the incident escalates with those runs as evidence.
   */
  #escalateIfRecurring(rec: IncidentRecord, entry: string, service: string, now: number, out: Outbox): void {
    const { count, withinS } = this.deps.policy().remediation.recurringFixes;
    const earlier = Object.values(this.state.incidents).flatMap((i) => i.remediations
      .filter((r) => r.entry === entry && r.service === service && r.outcome?.status === 'done' && (r.endedAt ?? 0) >= now - withinS * 1000)
      .map((r) => ({ incident: i.id, runId: r.runId, endedAt: r.endedAt })));
    if (earlier.length < count) return;
    const reason = `recurring: ${entry} already fixed ${service} ${earlier.length} times in the last ${Math.round(withinS / 3600)} h; the cause is still there`;
    out.audit.push(this.#note(rec, 'recurring-fix', { entry, service, earlier }, now));
    this.#send(rec.escalationRunId, { type: 'ESCALATE', now, reason }, out);
  }

  /**
   * Where a remediation acts: the root cause, unless it is a service we call but do not run (a
   * partner): then its first caller among the incident's services (its fallback, its breaker).
   */
  #target(incident: Incident): string {
    const root = incident.service;
    const tier = this.deps.catalog(root)?.tier;
    if (tier === undefined || !this.deps.policy().scaling.unscaledTiers.includes(tier)) return root;
    return incident.services.find((s) => this.deps.catalog(s)?.dependsOn.includes(root)) ?? root;
  }

  #send(runId: string, event: { type: string; now: number; [k: string]: unknown }, out: Outbox): void {
    const run = this.deps.runs.get(runId);
    if (!run) return;
    run.send(event, out);
    this.after(run, event.now, out);
  }

  #note(rec: IncidentRecord, event: string, detail: Record<string, unknown>, ts: number): AuditEvent {
    return { runId: rec.escalationRunId, machine: 'orchestrator', incidentId: rec.id, service: rec.service, from: rec.status, to: rec.status, event, detail, ts };
  }

  /** Keeps the last resolved incidents only (their runs are over). */
  #prune(): void {
    const resolved = Object.values(this.state.incidents).filter((r) => r.status === 'resolved');
    for (const r of resolved.slice(0, Math.max(0, resolved.length - KEEP_RESOLVED))) {
      delete this.state.incidents[r.id];
      this.state.limiter = forgetIncident(this.state.limiter, r.id);
    }
  }
}
