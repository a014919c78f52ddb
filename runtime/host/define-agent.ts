import type { Static, TObject } from '@sinclair/typebox';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AgentKind, CatalogEntry, Directive, SubjectDef, Tier } from '../contracts/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { AgentBus } from './bus.js';

/** What a directive handler answers; `config`, when given, is validated, applied and persisted. */
export interface DirectiveOutcome<C = unknown> {
  status: 'applied' | 'rejected' | 'unchanged';
  detail?: string;
  config?: C;
}

/** An extra request/reply endpoint an agent exposes on its NATS service. */
export interface ExtraEndpoint {
  /** Full subject (from runtime/contracts); answered in a queue group so one instance replies. */
  subject: string;
  handle(request: unknown): Promise<unknown> | unknown;
}

/** The live service catalogue (KV bucket vigil-catalog), kept current by a KV watch. */
export interface CatalogView {
  get(service: string): CatalogEntry | undefined;
  all(): CatalogEntry[];
}

/** Everything an agent gets from its host: no globals, no process.env inside agents. */
export interface AgentContext {
  agentId: string;
  kind: AgentKind;
  tier: Tier;
  bus: AgentBus;
  clock: Clock;
  log: Logger;
  catalog: CatalogView;
  /** False while NATS is unreachable (the client reconnects by itself): time to buffer. */
  connected(): boolean;
  /** The raw connection, for agents that need KV buckets or requests beyond the bus (the orchestrator). */
  nats: NatsConnection;
  /**
   * For agents whose clock is driven by their own source (the collector): move event time to
   * `ts`, fire due timers and forward the watermark downstream.
   */
  advanceClock(ts: number): void;
  /** Persists a small JSON value under this agent's key prefix in the state bucket. */
  saveState(key: string, value: unknown): Promise<void>;
  loadState<T>(key: string): Promise<T | undefined>;
  /** Sends a directive down the hierarchy (only roles allowed by nats.conf: the orchestrator). */
  publishDirective(to: { tier: string; kind: string; agentId: string }, directive: Directive): void;
  /** The agent's counters, shown in heartbeats and `vigil ps`; the host adds in/out/dlq/errors. */
  counters: Record<string, number>;
  /** Data shards of the raw and clean hops (runtime/host/partition.ts shardCount): 1 unless agents are scaled out. */
  shards: number;
}

/** What `start` returns: the agent's hooks into the host. */
export interface AgentInstance<C = unknown> {
  /** JSON state for the `state` endpoint, `vigil inspect` and the state bucket. */
  inspect(): unknown;
  /** Event time moved (after due timers fired), before the watermark goes downstream. */
  onWatermark?(ts: number): void;
  /** Applies a directive other than begin-run / set-config (those the host handles). */
  directive?(d: Directive): DirectiveOutcome<C> | Promise<DirectiveOutcome<C>>;
  /** A new configuration was validated (set-config or another directive's `config`). */
  reconfigure?(config: C): void;
  /**
   * begin-run: forget everything learnt; event time restarts at `startTs` of run `runId`. May
   * return a new configuration, for settings that only make sense within a run (monitoring boosts).
   */
  reset?(startTs: number, runId: string): C | void;
  /** Extra endpoints, keyed by endpoint name. */
  endpoints?: Record<string, ExtraEndpoint>;
  /** `degraded` with a reason when the agent works but not fully. */
  health?(): { status: 'healthy' | 'degraded'; detail?: string };
  stop?(): Promise<void> | void;
}

/** One agent kind: its place in the hierarchy, its contracts and its config schema. */
export interface AgentDefinition<C extends TObject = TObject> {
  kind: AgentKind;
  tier: Tier;
  description: string;
  consumes: readonly SubjectDef[];
  produces: readonly SubjectDef[];
  /**
   * 'upstream': the clock follows the lowest watermark of the agents producing what this agent
   * consumes; 'self': the agent advances its own clock (the collector, from its source).
   */
  clock: 'upstream' | 'self';
  /**
   * 'service': the agent keeps per-service state; scaled to n replicas, each owns a share of
   * the services (runtime/host/partition.ts). Absent: every replica sees every input.
   */
  partitionBy?: 'service';
  config: C;
  start(ctx: AgentContext, config: Static<C>): AgentInstance<Static<C>> | Promise<AgentInstance<Static<C>>>;
}

/** Declares an agent; an identity function that gives the definition its type. */
export function defineAgent<C extends TObject>(definition: AgentDefinition<C>): AgentDefinition<C> {
  return definition;
}
