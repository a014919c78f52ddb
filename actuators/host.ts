/**
 * The actuator on the bus: takes every action (vigil.action.<service>), applies it through the
 * real actuator and answers on vigil.action.result.<actionId>, with one audit event per action
 * applied (machine 'actuator': which actuator, the command or URL, the exit code, the output).
 * A message that is not an action is logged and counted, never answered (it has no id).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects, type AuditEvent } from '../runtime/contracts/index.js';
import { errorMessage } from '../runtime/errors.js';
import type { Logger } from '../runtime/log.js';
import { tokenOf } from '../policies/machine-kit.js';
import type { RealActuator } from './actuator.js';

export interface ActuatorHostCounters { received: number; applied: number; failed: number; repeats: number; invalid: number }

export interface ActuatorHost {
  counters: ActuatorHostCounters;
  /** resolves when every action received so far has been answered */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function startActuatorHost(nc: NatsConnection, actuator: RealActuator, log: Logger): ActuatorHost {
  const counters: ActuatorHostCounters = { received: 0, applied: 0, failed: 0, repeats: 0, invalid: 0 };
  const pending = new Set<Promise<void>>();
  const handle = async (data: Uint8Array, subject: string): Promise<void> => {
    let input: unknown;
    try {
      input = JSON.parse(new TextDecoder().decode(data));
    } catch (err) {
      counters.invalid++;
      log.warn({ subject, err: errorMessage(err) }, 'actuator: not JSON, ignored');
      return;
    }
    const id = (input as { actionId?: unknown } | null)?.actionId;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_:-]+$/.test(id)) {
      counters.invalid++;
      log.warn({ subject }, 'actuator: a message without a usable actionId, ignored');
      return;
    }
    const { result, actuator: name, repeat } = await actuator.apply(input);
    nc.publish(Subjects.actionResult.subject(id), JSON.stringify(result));
    if (repeat) { counters.repeats++; return; }
    if (result.status === 'failed') counters.failed++; else counters.applied++;
    const a = input as { runId?: unknown; service?: unknown };
    const audit: AuditEvent = {
      runId: typeof a.runId === 'string' && a.runId !== '' ? a.runId : id, machine: 'actuator',
      from: 'requested', to: result.status, event: result.type,
      detail: { actionId: id, actuator: name, detail: result.detail ?? '', before: result.before, after: result.after }, ts: result.ts,
    };
    if (typeof a.service === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(a.service)) audit.service = a.service;
    nc.publish(Subjects.audit.subject(tokenOf(audit.runId)), JSON.stringify(audit));
    log.info({ actionId: id, status: result.status, actuator: name, detail: result.detail }, 'action applied');
  };
  const sub: Subscription = nc.subscribe(Subjects.action.filter, {
    callback: (err, msg) => {
      if (err) { log.warn({ err: errorMessage(err) }, 'actuator subscription error'); return; }
      counters.received++;
      const p = handle(msg.data, msg.subject).catch((e: unknown) => { counters.failed++; log.error({ err: errorMessage(e) }, 'actuator: action handling failed'); });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
  });
  return {
    counters,
    drain: async () => { while (pending.size > 0) await Promise.all([...pending]); },
    stop: async () => { sub.unsubscribe(); while (pending.size > 0) await Promise.all([...pending]); },
  };
}
