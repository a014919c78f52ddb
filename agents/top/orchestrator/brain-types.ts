import type {
  Action, ActionResult, AggWindow, AuditEvent, CapacityPlan, CatalogEntry, DirectiveType, Forecast, Hypothesis, Impact, Incident,
} from '../../../runtime/contracts/index.js';

/** A directive the orchestrator issues on its own (monitoring resources during an incident). */
export interface BrainDirective {
  to: { tier: string; kind: string; agentId: string };
  type: DirectiveType;
  params: Record<string, unknown>;
}

/** What one call of the brain asks its owner to do, in order. */
export interface OrchestratorOutput {
  /** publish each on vigil.action.<service> */
  actions: Action[];
  /** append each on vigil.audit.<runId> */
  audit: AuditEvent[];
  /** publish each as a directive to `to` */
  directives: BrainDirective[];
  /** persist in KV (bucket vigil-snapshots); null = delete; key = run id */
  snapshots: { key: string; value: unknown | null }[];
}

/** How the brain is created (createOrchestratorBrain). */
export interface OrchestratorOptions {
  /** any part of OrchestratorPolicy (policies/schema.ts), merged over policies/defaults; validated */
  policy?: unknown;
  /** actions go out with dryRun: true; nothing is considered applied */
  dryRun?: boolean;
  /** predictive scaling only records (audit) what it would do */
  forecastOnly?: boolean;
  /** key → snapshot, as persisted from `snapshots` */
  restore?: Record<string, unknown>;
  /**
   * The service catalogue (read at each decision, so it may change): instance bounds and tiers for
   * scaling, callers of an external service for remediation. Absent: the policy's defaults only.
   */
  catalog?: (service: string) => CatalogEntry | undefined;
  /**
   * Runs held while a human decides on their action (approval gates): they hear nothing but
   * their action's result, so their deadlines wait; `release` re-arms them. Absent: none held.
   */
  held?: (runId: string) => boolean;
}

/** One incident as `vigil incidents` shows it. */
export interface IncidentView {
  id: string;
  service: string;
  services: string[];
  pattern: Incident['pattern'];
  status: 'open' | 'acknowledged' | 'resolved';
  level: string;
  nextEscalationAt: number | null;
  openedAt: number;
  impact: { priority: Impact['priority']; revenueAtRiskPerMin: number; interventionWorthIt: boolean } | null;
  remediation: { runId: string; entry: string; state: string; outcome: { status: string; reason: string } | null }[];
  note: string | null;
  /** the causes the correlator weighed, with the evidence for and against each (its latest update) */
  hypotheses: Hypothesis[];
}

/**
 * The orchestrator's pure brain: owns the policy machines, takes inputs with their event time,
 * returns what to publish and persist. No NATS, no timers, no wall clock.
 */
export interface OrchestratorBrain {
  onAgg(agg: AggWindow, now: number): OrchestratorOutput;
  /** status 'open' starts or updates a remediation run and an escalation; 'resolved' ends them */
  onIncident(incident: Incident, now: number): OrchestratorOutput;
  onForecast(f: Forecast, now: number): OrchestratorOutput;
  /** the predictor's capacity plan of a window: scaling decides on that window with it */
  onPlan(plan: CapacityPlan, now: number): OrchestratorOutput;
  onImpact(i: Impact, now: number): OrchestratorOutput;
  /** results for unknown or finished steps (a repeat) are ignored */
  onActionResult(r: ActionResult, now: number): OrchestratorOutput;
  /** event time moved: fire every due deadline */
  advance(now: number): OrchestratorOutput;
  /** after restore: re-publish every in-flight action with its SAME id, re-arm deadlines, fire the overdue ones */
  resume(now: number): OrchestratorOutput;
  /** a held run's action was approved: re-publish it (same id) with its deadline re-armed from `now` */
  release(runId: string, now: number): OrchestratorOutput;
  /** 'set-trigger' {trigger, threshold?, durationS?, cooldownS?, enabled?} or 'set-policy' {path, value}; next evaluation */
  applyDirective(type: string, params: Record<string, unknown>): { status: 'applied' | 'rejected' | 'unchanged'; detail?: string };
  incidents(): IncidentView[];
  ack(incidentId: string, now: number): OrchestratorOutput;
  resolve(incidentId: string, now: number): OrchestratorOutput;
  /**
   * Before a new run (begin-run): the directives restoring normal monitoring of every service an
   * incident still boosts, so that no boost outlives its run (the next run would detect more).
   */
  releaseMonitoring(): OrchestratorOutput;
  /** JSON for `vigil inspect orchestrator` */
  state(): unknown;
}

/** Collects the output of one call. */
export class Outbox implements OrchestratorOutput {
  actions: Action[] = [];
  audit: AuditEvent[] = [];
  directives: BrainDirective[] = [];
  snapshots: { key: string; value: unknown | null }[] = [];

  /** The plain output; a key persisted twice in one call keeps only its last value. */
  take(): OrchestratorOutput {
    const last = new Map<string, unknown | null>();
    for (const s of this.snapshots) { last.delete(s.key); last.set(s.key, s.value); }
    return {
      actions: this.actions, audit: this.audit, directives: this.directives,
      snapshots: [...last].map(([key, value]) => ({ key, value })),
    };
  }
}
