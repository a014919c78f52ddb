import type { Static, TSchema } from '@sinclair/typebox';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects, check, type DlqEntry, type Problem, type SubjectDef } from '../contracts/index.js';
import { ContractError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_DLQ_PAYLOAD = 4096;

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

  constructor(
    private readonly nc: NatsConnection,
    private readonly agentId: string,
    private readonly produces: ReadonlySet<SubjectDef>,
    private readonly counters: Record<string, number>,
    private readonly log: Logger,
  ) {}

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
    this.nc.publish(def.subject(...tokens), encoder.encode(JSON.stringify(payload)));
    this.counters.out = (this.counters.out ?? 0) + 1;
  }

  /** Subscribes to a whole subject family (or one concrete subject) with validation. */
  on<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, opts: { subject?: string; queue?: string } = {}): void {
    const sub = this.nc.subscribe(opts.subject ?? def.filter, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) { this.log.error({ err: errorMessage(err), subject: def.filter }, 'subscription error'); return; }
        void this.deliver(def, handler, msg);
      },
    });
    this.#subs.push(sub);
  }

  private async deliver<S extends TSchema>(def: SubjectDef<S>, handler: Handler<S>, msg: Msg): Promise<void> {
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
    try {
      await handler(result.value, def.parse(msg.subject) ?? {});
    } catch (err) {
      this.counters.errors = (this.counters.errors ?? 0) + 1;
      this.log.error({ err: errorMessage(err), subject: msg.subject }, 'handler failed');
      this.reject(msg, `handler failed: ${errorMessage(err)}`, []);
    }
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
