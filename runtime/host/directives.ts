import { ALL, Subjects, type Directive, type DirectiveAck } from '../contracts/index.js';
import type { AgentKind, Tier } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { AgentBus } from './bus.js';
import type { DirectiveOutcome } from './define-agent.js';

const REMEMBERED = 1000;

/**
 * Receives the directives addressed to one agent (its id, its kind, its tier, or all),
 * applies each once and acknowledges it on vigil.ack.<directiveId>. A repeated directive id
 * is not applied again: the first acknowledgement is sent again.
 */
export class DirectiveDesk {
  readonly #answered = new Map<string, DirectiveAck>();

  constructor(
    private readonly bus: AgentBus,
    private readonly me: { agentId: string; kind: AgentKind; tier: Tier },
    private readonly log: Logger,
    private readonly handler: { apply(d: Directive): Promise<DirectiveOutcome> },
  ) {}

  listen(): void {
    const { tier, kind, agentId } = this.me;
    const addresses = [[tier, kind, agentId], [tier, kind, ALL], [tier, ALL, ALL], [ALL, kind, ALL], [ALL, ALL, ALL], [ALL, ALL, agentId]];
    for (const address of addresses) {
      this.bus.on(Subjects.directive, (d) => this.receive(d), { subject: Subjects.directive.subject(...address), gated: false });
    }
  }

  #queue: Promise<void> = Promise.resolve();

  /** Directives are applied one at a time, in arrival order: each sees the config the previous one left. */
  private receive(d: Directive): Promise<void> {
    this.#queue = this.#queue.then(() => this.handle(d)).catch((err: unknown) => {
      this.log.error({ err: errorMessage(err), directiveId: d.directiveId }, 'directive not acknowledged');
    });
    return this.#queue;
  }

  private async handle(d: Directive): Promise<void> {
    const previous = this.#answered.get(d.directiveId);
    if (previous) { this.bus.publish(Subjects.ack, [d.directiveId, this.me.kind], previous); return; }
    let outcome: DirectiveOutcome;
    try {
      outcome = await this.handler.apply(d);
    } catch (err) {
      outcome = { status: 'rejected', detail: errorMessage(err) };
    }
    const ack: DirectiveAck = {
      directiveId: d.directiveId, agentId: this.me.agentId, kind: this.me.kind,
      status: outcome.status, detail: outcome.detail, ts: Date.now(),
    };
    if (ack.detail === undefined) delete ack.detail;
    this.#answered.set(d.directiveId, ack);
    if (this.#answered.size > REMEMBERED) this.#answered.delete(this.#answered.keys().next().value as string);
    this.log.info({ directiveId: d.directiveId, type: d.type, status: ack.status, detail: ack.detail }, 'directive handled');
    this.bus.publish(Subjects.ack, [d.directiveId, this.me.kind], ack);
  }
}
