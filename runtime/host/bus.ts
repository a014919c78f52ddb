import type { Static, TSchema } from '@sinclair/typebox';
import { headers, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Subjects, check, findNonFinite, toleratesNonFinite, type DlqEntry, type Problem, type SubjectDef } from '../contracts/index.js';
import { ContractError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { EpochGate } from './epoch-gate.js';
import { ownsShard, partitionOf, type Partition } from './partition.js';
import { DURABLE_SUBJECTS, DurablePublisher, RETRY_HEADER } from './durable-publish.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_DLQ_PAYLOAD = 4096;
/** A DLQ entry keeps this many problems (the total is counted) and this many characters of each text. */
const MAX_DLQ_PROBLEMS = 20;
const MAX_DLQ_TEXT = 256;
/** Header naming the publishing agent, `<kind>/<agentId>`: tells a receiver which epoch a message belongs to. */
export const FROM_HEADER = 'Vigil-From';

/** The event time a message carries (`ts`), or null when it has none. */
function eventTimeOf(value: unknown): number | null {
  const ts = (value as { ts?: unknown }).ts;
  return typeof ts === 'number' ? ts : null;
}

/** Watches the bus for /metrics: valid messages in, messages out, handler time (by subject family name). */
export interface BusObserver {
  received(subject: string): void;
  sent(subject: string, payload: unknown): void;
  handled(subject: string, seconds: number): void;
}

/** Handler of one validated message; `tokens` are the subject's parameters (e.g. service). */
export type Handler<S extends TSchema> = (payload: Static<S>, tokens: Record<string, string>) => void | Promise<void>;

/** A check beyond the schema: the reason to refuse a valid message, or null to take it. */
export type Guard<S extends TSchema> = (payload: Static<S>, tokens: Record<string, string>) => string | null;

/** Whether an event time is acceptable to the receiver now (its clock and allowed skew). */
export type TimeGuard = (ts: number) => string | null;

function clip(text: string, max = MAX_DLQ_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * The typed, validating bus an agent talks through. Publishing validates against the
 * subject's schema and refuses undeclared subjects (a bug: ContractError). Receiving
 * validates too: a bad message goes to vigil.dlq.<agentId> with the reason, is counted, and
 * the agent goes on with the next one.
 */
export class AgentBus {
  readonly #subs: Subscription[] = [];
  readonly #from: MsgHdrs;
  readonly #kind: string;
  #gate: { gate: EpochGate; upstream: ReadonlySet<string>; timeGuard: TimeGuard } | null = null;
  #observer: BusObserver | null = null;
  #partition: Partition | null = null;
  readonly #durable: DurablePublisher;

  constructor(
    private readonly nc: NatsConnection,
    private readonly agentId: string,
    kind: string,
    private readonly produces: ReadonlySet<SubjectDef>,
    private readonly counters: Record<string, number>,
    private readonly log: Logger,
  ) {
    this.#kind = kind;
    this.#from = headers();
    this.#from.set(FROM_HEADER, `${kind}/${agentId}`);
    this.#durable = new DurablePublisher(nc, [FROM_HEADER, `${kind}/${agentId}`], counters, log);
  }

  /**
   * From now on, inputs wait in `gate` until event time covers them (agents on upstream
   * watermarks); an input whose event time `timeGuard` refuses goes to the DLQ instead.
   */
  gateInputs(gate: EpochGate, upstreamKinds: readonly string[], timeGuard: TimeGuard = () => null): void {
    this.#gate = { gate, upstream: new Set(upstreamKinds), timeGuard };
  }

  /** From now on, traffic and handler times are reported to `observer` (the agent's /metrics). */
  observeWith(observer: BusObserver): void {
    this.#observer = observer;
  }

  /**
   * From now on, messages on subjects keyed by service or data shard are handled only for the
   * services of `partition`; the others are skipped unread (another replica handles them) and counted.
   */
  partitionInputs(partition: Partition): void {
    this.#partition = partition;
  }

  /** Publishes `payload` on `def` with the given subject tokens. Throws ContractError if invalid. */
  emit<S extends TSchema>(def: SubjectDef<S>, tokens: string[], payload: Static<S>): void {
    if (!this.produces.has(def)) {
      throw new ContractError(`${this.agentId}: publishes on ${def.prefix} which it does not declare in produces`);
    }
    this.publish(def, tokens, payload);
  }

  /** Like emit, for the host's own subjects (heartbeat, watermark, ack, dlq), always allowed. */
  publish<S extends TSchema>(def: SubjectDef<S>, tokens: string[], payload: Static<S>): void {
    const result = check(def.schema, payload);
    if (!result.ok) {
      throw new ContractError(`${this.agentId}: invalid ${def.name} message: ${result.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    }
    const data = encoder.encode(JSON.stringify(payload));
    if (DURABLE_SUBJECTS.has(def)) this.#durable.publish(def.subject(...tokens), data);
    else this.nc.publish(def.subject(...tokens), data, { headers: this.#from });
    this.counters.out = (this.counters.out ?? 0) + 1;
    this.#observer?.sent(def.name, payload);
  }

  /** Subscribes to a whole subject family (or one concrete subject) with validation. */
  /**
   * Subscribes to a whole subject family (or one concrete subject) with validation; `guard`
   * refuses valid messages the schema cannot judge (a watermark naming another agent).
   * Nothing a message does escapes the callback: the client must never stop reading.
   */
  on<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, opts: { subject?: string; queue?: string; gated?: boolean; guard?: Guard<S> } = {}): void {
    const gated = opts.gated ?? true;
    const sub = this.nc.subscribe(opts.subject ?? def.filter, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) { this.count('errors'); this.log.error({ err: errorMessage(err), subject: def.filter }, 'subscription error'); return; }
        // A copy re-sent for the stream only (durable-publish.ts): its original was delivered.
        if (msg.headers?.has(RETRY_HEADER)) { this.count('streamCopies'); return; }
        if (this.#partition && !this.owns(def, msg.subject, this.#partition)) {
          this.count('otherPartition');
          return;
        }
        try {
          this.deliver(def, handler, msg, gated, opts.guard);
        } catch (e) {
          this.failed(msg, e);
        }
      },
    });
    this.#subs.push(sub);
  }

  private owns(def: SubjectDef, subject: string, p: Partition): boolean {
    const key = def.params[0];
    if (key !== 'service' && key !== 'shard') return true;
    const token = subject.slice(def.prefix.length + 1).split('.', 1)[0];
    return key === 'shard' ? ownsShard(token, p) : partitionOf(token, p.count) === p.index;
  }

  private deliver<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, msg: Msg, gated: boolean, guard?: Guard<S>): void {
    this.count('in');
    let data: unknown;
    const text = decoder.decode(msg.data);
    try {
      data = JSON.parse(text);
    } catch (err) {
      this.reject(msg, 'invalid JSON', [{ path: '/', message: errorMessage(err) }]);
      return;
    }
    const infinite = toleratesNonFinite(def.schema) ? null : findNonFinite(data);
    if (infinite !== null) { this.reject(msg, 'non-finite number', [{ path: infinite, message: 'must be a finite number' }]); return; }
    const result = check(def.schema, data);
    if (!result.ok) { this.reject(msg, `does not match ${def.name} schema`, result.problems); return; }
    this.#observer?.received(def.name);
    const tokens = def.parse(msg.subject) ?? {};
    const refused = guard?.(result.value, tokens) ?? null;
    if (refused !== null) { this.reject(msg, refused, []); return; }
    const run = (): void => this.run(def.name, handler, result.value, tokens, msg);
    if (!gated || !this.#gate) { run(); return; }
    const ts = eventTimeOf(result.value);
    const untimely = ts === null ? null : this.#gate.timeGuard(ts);
    if (untimely !== null) { this.reject(msg, untimely, []); return; }
    const [kind, source] = (msg.headers?.get(FROM_HEADER) ?? '').split('/');
    if (source && this.#gate.upstream.has(kind)) { this.#gate.gate.holdFromAgent(source, kind, run, msg.subject); return; }
    // From outside the hierarchy (the simulator's action results, an operator's test message):
    // at its own event time if it has one, else now.
    if (ts === null) run(); else this.#gate.gate.holdUntil(ts, run, msg.subject);
  }

  private count(counter: string): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + 1;
  }

  private run<S extends TSchema>(name: string, handler: Handler<S>, value: Static<S>, tokens: Record<string, string>, msg: Msg): void {
    const start = performance.now();
    const timed = (): void => this.#observer?.handled(name, (performance.now() - start) / 1000);
    try {
      const done = handler(value, tokens);
      if (done instanceof Promise) done.then(timed, (err: unknown) => this.failed(msg, err));
      else timed();
    } catch (err) {
      this.failed(msg, err);
    }
  }

  private failed(msg: Msg, err: unknown): void {
    this.count('errors');
    this.log.error({ err: errorMessage(err), subject: msg.subject }, 'handler failed');
    this.reject(msg, `handler failed: ${errorMessage(err)}`, []);
  }

  /**
   * Sends a rejected message to the DLQ with the reason, counts it and logs it. The entry is
   * bounded (first problems, clipped texts, payload head) so that it always fits a NATS
   * message; a DLQ publish that fails anyway is counted and logged, never thrown.
   */
  reject(msg: { subject: string; data: Uint8Array }, reason: string, problems: Problem[]): void {
    this.count('dlq');
    const errors = problems.slice(0, MAX_DLQ_PROBLEMS).map((p) => ({ path: clip(p.path), message: clip(p.message) }));
    const entry: DlqEntry = {
      agentId: this.agentId,
      subject: clip(msg.subject),
      reason: clip(reason, 1024),
      errors,
      problemsTotal: problems.length,
      payload: decoder.decode(msg.data.subarray(0, MAX_DLQ_PAYLOAD)),
      wallTs: Date.now(),
    };
    this.log.warn({ subject: entry.subject, reason: entry.reason, problems: errors, problemsTotal: problems.length }, 'message rejected to DLQ');
    try {
      this.publish(Subjects.dlq, [this.#kind, this.agentId], entry);
    } catch (err) {
      this.count('dlqFailed');
      this.log.error({ err: errorMessage(err), subject: entry.subject }, 'DLQ entry not published');
    }
  }

  /** Sends one rejected item (not a whole message) to the DLQ, e.g. an invalid sample in a batch. */
  dlq(subject: string, item: unknown, reason: string): void {
    this.reject({ subject, data: encoder.encode(JSON.stringify(item)) }, reason, []);
  }

  /** Stops every subscription (drain of the connection follows in the host). */
  close(): void {
    for (const s of this.#subs) s.unsubscribe();
  }
}
