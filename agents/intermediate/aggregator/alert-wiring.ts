import { Type } from '@sinclair/typebox';
import {
  AlertRequest, Subjects, alertsEndpoint, check, describeProblems, type AlertReply, type Incident,
} from '../../../runtime/contracts/index.js';
import type { AgentContext, ExtraEndpoint } from '../../../runtime/host/define-agent.js';
import { AlertDesk, type DeskResult } from './alert-desk.js';
import { AlertStore } from './alert-store.js';

/** The aggregator's alert-lifecycle settings (part of its config schema). */
export const AlertLifecycleConfig = {
  alertCloseAfterS: Type.Integer({ minimum: 0, default: 86_400, description: 'a resolved or false-positive alert closes this long after (event time)' }),
  alertKeepClosed: Type.Integer({ minimum: 0, maximum: 100_000, default: 500, description: 'closed alerts kept in memory (the KV bucket keeps them all)' }),
};
interface LifecycleConfig { alertCloseAfterS: number; alertKeepClosed: number }

/** The alert lifecycle inside the aggregator: the desk, its KV store, its endpoint and its messages. */
export interface AlertLifecycle {
  observe: AlertDesk['observe'];
  /** Event time moved: close due alerts, then publish and store what changed. */
  onWatermark(ts: number): void;
  reset(runId: string): void;
  reconfigure(config: LifecycleConfig): void;
  endpoint: ExtraEndpoint;
  state(): unknown;
  stop(): Promise<void>;
}

/**
 * Wires the alert desk (alert-desk.ts) to NATS: alerts come through the aggregator's bus,
 * incidents through an ungated subscription (the correlator is downstream of the aggregator in
 * event time, so its incidents cannot wait for the aggregator's clock), operators through the
 * `alerts` endpoint. Every change goes to the KV bucket vigil-alerts; every change of status to
 * vigil.alertstate.<service> (the analyst learns false positives there).
 */
export async function wireAlertLifecycle(ctx: AgentContext, config: LifecycleConfig): Promise<AlertLifecycle> {
  const { bus, clock, counters, log, agentId } = ctx;
  const desk = new AlertDesk({ closeAfterS: config.alertCloseAfterS, keepClosed: config.alertKeepClosed });
  const store = await AlertStore.open(ctx.nats, log, counters);
  const publish = (): void => {
    const { changed, moved } = desk.drain();
    store.put(changed);
    for (const r of moved) {
      bus.emit(Subjects.alertState, [r.service], r);
      counters[`alerts_${r.status}`] = (counters[`alerts_${r.status}`] ?? 0) + 1;
    }
  };
  bus.on(Subjects.incident, (inc: Incident) => { desk.incident(inc, Math.max(clock.now(), inc.ts)); publish(); }, { gated: false });
  const handle = (request: unknown): AlertReply => {
    const reply = answerRequest(desk, request, clock.now(), agentId);
    publish();
    return reply;
  };
  return {
    observe: (a, now) => desk.observe(a, now),
    onWatermark: (ts) => { desk.tick(ts); publish(); },
    reset: (runId) => { desk.reset(runId); store.purgeAll(); },
    reconfigure: (next) => desk.reconfigure({ closeAfterS: next.alertCloseAfterS, keepClosed: next.alertKeepClosed }),
    endpoint: { subject: alertsEndpoint(agentId), handle },
    state: () => ({ byStatus: desk.summary(), silences: desk.silences() }),
    stop: () => store.flushed(),
  };
}

/** Answers one `alerts` endpoint request on the desk; an unknown id or a refused change is told in `error`. */
function answerRequest(desk: AlertDesk, request: unknown, now: number, agentId: string): AlertReply {
  const checked = check(AlertRequest, request);
  if (!checked.ok) throw new Error(describeProblems('alert request', checked.problems));
  const req = checked.value;
  const reply = <T>(result: DeskResult<T>, pick: (v: T) => Partial<AlertReply>): AlertReply => (result.ok
    ? { alerts: [], silences: [], ...pick(result.value) }
    : { alerts: [], silences: [], error: { code: result.code, message: `${agentId}: ${result.message}` } });
  if (req.op === 'ls') return { alerts: desk.list(req.all ?? false), silences: desk.silences() };
  if (req.op === 'silence') {
    if (!req.incidentId) throw new Error('alert request: silence needs incidentId');
    return reply(desk.silence({ incidentId: req.incidentId, services: req.services, metrics: req.metrics }, now), (s) => ({ silences: [s] }));
  }
  if (!req.id) throw new Error(`alert request: ${req.op} needs id`);
  return reply(desk.operate(req.op, req.id, now, { by: req.by, note: req.note }), (r) => ({ alerts: [r] }));
}
