import type { Static, TSchema } from '@sinclair/typebox';
import { headers, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Subjects, check, type DlqEntry, type Problem, type SubjectDef } from '../contracts/index.js';
import { ContractError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { EpochGate } from './epoch-gate.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_DLQ_PAYLOAD = 4096;
/** Header naming the publishing agent, `<kind>/<agentId>`: tells a receiver which epoch a message belongs to. */
export const FROM_HEADER = 'Vigil-From';

/** The event time a message carries (`ts`), or null when it has none. */
function eventTimeOf(value: unknown): number | null {
  const ts = (value as { ts?: unknown }).ts;
  return typeof ts === 'number' ? ts : null;
}

/** Handler of one validated message; `tokens` are the subject's parameters (e.g. service). */
export type Handler<S extends TSchema> = (payload: Static<S>, tokens: Record<string, string>) => void | Promise<void>;

/**
 * The typed, validating bus an agent talks through. Publishing validates against the
 * subject's schema and refuses undeclared subjects (a bug: ContractError). Receiving
 * validates too: a bad message goes to vigil.dlq.<agentId> with the reason, is counted, and
 * the agent goes on with the next one.
 */
export class AgentBus {
  readonly #subs: Subscription[] = [];
  readonly #from: MsgHdrs;
  #gate: { gate: EpochGate; upstream: ReadonlySet<string> } | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly agentId: string,
    kind: string,
    private readonly produces: ReadonlySet<SubjectDef>,
    private readonly counters: Record<string, number>,
    private readonly log: Logger,
  ) {
    this.#from = headers();
    this.#from.set(FROM_HEADER, `${kind}/${agentId}`);
  }

  /** From now on, inputs wait in `gate` until event time covers them (agents on upstream watermarks). */
  gateInputs(gate: EpochGate, upstreamKinds: readonly string[]): void {
    this.#gate = { gate, upstream: new Set(upstreamKinds) };
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
    this.nc.publish(def.subject(...tokens), encoder.encode(JSON.stringify(payload)), { headers: this.#from });
    this.counters.out = (this.counters.out ?? 0) + 1;
  }

  /** Subscribes to a whole subject family (or one concrete subject) with validation. */
  on<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, opts: { subject?: string; queue?: string; gated?: boolean } = {}): void {
    const gated = opts.gated ?? true;
    const sub = this.nc.subscribe(opts.subject ?? def.filter, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) { this.log.error({ err: errorMessage(err), subject: def.filter }, 'subscription error'); return; }
        this.deliver(def, handler, msg, gated);
      },
    });
    this.#subs.push(sub);
  }

  private deliver<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, msg: Msg, gated: boolean): void {
    this.counters.in = (this.counters.in ?? 0) + 1;
    let data: unknown;
    try {
      data = JSON.parse(decoder.decode(msg.data));
    } catch (err) {
      this.reject(msg, 'invalid JSON', [{ path: '/', message: errorMessage(err) }]);
      return;
    }
    const result = check(def.schema, data);
    if (!result.ok) { this.reject(msg, `does not match ${def.name} schema`, result.problems); return; }
    const run = (): void => this.run(def, handler, result.value, msg);
    if (!gated || !this.#gate) { run(); return; }
    const [kind, source] = (msg.headers?.get(FROM_HEADER) ?? '').split('/');
    if (source && this.#gate.upstream.has(kind)) { this.#gate.gate.holdFromAgent(source, kind, run); return; }
    // From outside the hierarchy (the simulator's action results, an operator's test message):
    // at its own event time if it has one, else now.
    const ts = eventTimeOf(result.value);
    if (ts === null) run(); else this.#gate.gate.holdUntil(ts, run);
  }

  private run<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, value: Static<S>, msg: Msg): void {
    try {
      const done = handler(value, def.parse(msg.subject) ?? {});
      if (done instanceof Promise) done.catch((err: unknown) => this.failed(msg, err));
    } catch (err) {
      this.failed(msg, err);
    }
  }

  private failed(msg: Msg, err: unknown): void {
    this.counters.errors = (this.counters.errors ?? 0) + 1;
    this.log.error({ err: errorMessage(err), subject: msg.subject }, 'handler failed');
    this.reject(msg, `handler failed: ${errorMessage(err)}`, []);
  }

  /** Sends a rejected message to the DLQ with the reason, counts it and logs it. */
  reject(msg: { subject: string; data: Uint8Array }, reason: string, problems: Problem[]): void {
    this.counters.dlq = (this.counters.dlq ?? 0) + 1;
    this.log.warn({ subject: msg.subject, reason, problems }, 'message rejected to DLQ');
    const entry: DlqEntry = {
      agentId: this.agentId,
      subject: msg.subject,
      reason,
      errors: problems,
      payload: decoder.decode(msg.data.subarray(0, MAX_DLQ_PAYLOAD)),
      wallTs: Date.now(),
    };
    this.publish(Subjects.dlq, [this.agentId], entry);
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
