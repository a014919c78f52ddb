/**
 * The notifier on the bus: a durable JetStream consumer of the audit trail (a notifier that
 * was down catches up on what it missed), one notice per escalation, acknowledgement,
 * resolution or approval event, delivered to each channel that hears it — in order per channel
 * (an acknowledge never overtakes its trigger), with retries — and every delivery written back
 * to the audit trail (machine 'notification': channel, attempts, HTTP status, error).
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { tokenOf } from '../policies/machine-kit.js';
import { AuditEvent, Streams, Subjects, check } from '../runtime/contracts/index.js';
import { errorMessage } from '../runtime/errors.js';
import type { Logger } from '../runtime/log.js';
import type { ChannelConfig, NotificationsConfig } from './config.js';
import { deliver, type Delivery } from './deliver.js';
import { payloadFor } from './formats.js';
import { noticeFrom, type Notice } from './notice.js';
import { Router } from './router.js';

export interface NotifierCounters { events: number; notices: number; delivered: number; failed: number; invalid: number }

export interface Notifier {
  counters: NotifierCounters;
  /** Sends one notice now (the `vigil notify test` path); resolves with each channel's delivery. */
  send(notice: Notice, channels?: ChannelConfig[]): Promise<{ channel: string; delivery: Delivery }[]>;
  stop(): Promise<void>;
}

/** Durable consumer name of the notifier. */
export const NOTIFIER_CONSUMER = 'vigil-notifier';

/** With `nc` null it only sends (no consumer, no audit): `vigil notify test`. */
export async function startNotifier(nc: NatsConnection | null, config: NotificationsConfig, log: Logger): Promise<Notifier> {
  const counters: NotifierCounters = { events: 0, notices: 0, delivered: 0, failed: 0, invalid: 0 };
  const router = new Router(config.channels);
  const queues = new Map<string, Promise<unknown>>();

  const record = (n: Notice, c: ChannelConfig, d: Delivery): void => {
    if (d.ok) counters.delivered++; else counters.failed++;
    const e: AuditEvent = {
      runId: `notify-${tokenOf(n.key)}`, machine: 'notification', from: n.kind, to: d.ok ? 'delivered' : 'failed', event: c.name,
      detail: { channel: c.name, type: c.type, kind: n.kind, attempts: d.attempts, status: d.status, durationMs: d.durationMs, ...(d.error ? { error: d.error } : {}), ...(n.level ? { level: n.level } : {}) },
      ts: Date.now(),
    };
    if (n.incidentId) e.incidentId = n.incidentId;
    if (n.service && /^[A-Za-z0-9_-]{1,64}$/.test(n.service)) e.service = n.service;
    nc?.publish(Subjects.audit.subject(e.runId), JSON.stringify(e));
    const line = { channel: c.name, kind: n.kind, key: n.key, attempts: d.attempts, status: d.status };
    if (d.ok) log.info(line, 'notification delivered'); else log.warn({ ...line, error: d.error }, 'notification not delivered');
  };
  const enqueue = (n: Notice, c: ChannelConfig): Promise<Delivery> => {
    const previous = queues.get(c.name) ?? Promise.resolve();
    const next = previous.then(() => deliver(c.url, payloadFor(c, n), { headers: c.headers, timeoutS: c.timeoutS, retry: config.retry }))
      .then((d) => { record(n, c, d); return d; });
    queues.set(c.name, next.catch(() => undefined));
    return next;
  };
  const send = async (n: Notice, channels = router.route(n)): Promise<{ channel: string; delivery: Delivery }[]> => {
    counters.notices++;
    return Promise.all(channels.map(async (c) => ({ channel: c.name, delivery: await enqueue(n, c) })));
  };

  let messages: ConsumerMessages | null = null;
  let loop: Promise<void> = Promise.resolve();
  if (nc) {
    const jsm = await jetstreamManager(nc);
    const exists = await jsm.consumers.info(Streams.audit.name, NOTIFIER_CONSUMER).then(() => true, () => false);
    if (!exists) {
      await jsm.consumers.add(Streams.audit.name, {
        durable_name: NOTIFIER_CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New,
        filter_subject: Subjects.audit.filter, ack_wait: nanos(15 * 60_000), max_deliver: 3,
      });
    }
    messages = await (await jetstream(nc).consumers.get(Streams.audit.name, NOTIFIER_CONSUMER)).consume();
    loop = (async () => {
      for await (const m of messages!) {
        counters.events++;
        let value: unknown;
        try { value = m.json(); } catch (err) { value = errorMessage(err); }
        const event = check(AuditEvent, value);
        if (!event.ok) { counters.invalid++; m.ack(); continue; }
        const notice = noticeFrom(event.value);
        if (!notice) { m.ack(); continue; }
        // Acked once every channel has its answer (or gave up): a notifier killed mid-retry hears it again.
        void send(notice).then(() => m.ack(), (err: unknown) => { log.error({ err: errorMessage(err) }, 'notification failed'); m.ack(); });
      }
    })();
  }
  return {
    counters,
    send,
    stop: async () => {
      if (messages) await messages.close();
      await loop;
      await Promise.all([...queues.values()]);
    },
  };
}
