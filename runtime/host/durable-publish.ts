/**
 * Publishing the audit trail and the events (alerts, incidents, impacts) so that none is lost
 * while a NATS node or a stream leader is down (a cluster re-electing one). The message goes
 * out once, in order with everything else the agent publishes (subscribers and epochs see it
 * as before), with a reply subject: the stream's acknowledgement comes back on it. Without an
 * acknowledgement the message is sent again with the same Nats-Msg-Id (the stream keeps one
 * copy) and the header Vigil-Retry, which tells vigil's subscribers that the copy is for the
 * stream only. A stock NATS client subscribed to the subject sees the copy with that header.
 */
import { randomUUID } from 'node:crypto';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { Subjects, type SubjectDef } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

/** Header marking a re-sent copy that only the stream should keep. */
export const RETRY_HEADER = 'Vigil-Retry';
/** Subjects captured by the VIGIL_EVENTS and VIGIL_AUDIT streams. */
export const DURABLE_SUBJECTS: ReadonlySet<SubjectDef> = new Set<SubjectDef>([Subjects.alert, Subjects.incident, Subjects.impact, Subjects.audit]);

const ACK_TIMEOUT_MS = 2000;
const GIVE_UP_MS = 120_000;

/** One agent's durable publisher: publishes, waits for the stream's ack, re-sends until it comes. */
export class DurablePublisher {
  readonly #prefix = randomUUID().slice(0, 8);
  #seq = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly from: [string, string],
    private readonly counters: Record<string, number>,
    private readonly log: Logger,
  ) {}

  publish(subject: string, data: Uint8Array): void {
    const id = `${this.from[1]}-${this.#prefix}-${++this.#seq}`;
    void this.until(subject, data, id, Date.now() + GIVE_UP_MS);
  }

  private headers(id: string, retry: boolean): MsgHdrs {
    const h = headers();
    h.set(this.from[0], this.from[1]);
    h.set('Nats-Msg-Id', id);
    if (retry) h.set(RETRY_HEADER, '1');
    return h;
  }

  private async until(subject: string, data: Uint8Array, id: string, deadline: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await this.nc.request(subject, data, { headers: this.headers(id, attempt > 0), timeout: ACK_TIMEOUT_MS });
        const ack = reply.json<{ error?: { description?: string } }>();
        if (!ack.error) {
          if (attempt > 0) this.counters.resent = (this.counters.resent ?? 0) + 1;
          return;
        }
        throw new Error(ack.error.description ?? 'stream refused the message');
      } catch (err) {
        if (Date.now() > deadline) {
          this.counters.unstored = (this.counters.unstored ?? 0) + 1;
          this.log.error({ subject, id, err: errorMessage(err) }, 'no stream stored this message: given up');
          return;
        }
        this.log.warn({ subject, id, attempt, err: errorMessage(err) }, 'not stored yet: sending again');
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }
}
