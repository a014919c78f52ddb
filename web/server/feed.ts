import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ALL, check, Streams, Subjects, type SubjectDef } from '../../runtime/contracts/index.js';
import { errorMessage } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/log.js';
import { readStream, type StoredMessage } from '../../runtime/nats/stream-read.js';
import type { LiveState } from '../model/live-state.js';
import { readCatalog, runStarts } from '../history.js';

const decoder = new TextDecoder();

/** Which state method each subject feeds. Directives are read for begin-run only. */
function handlers(state: LiveState): [SubjectDef, (value: never) => void][] {
  return [
    [Subjects.agg, (v) => state.agg(v)],
    [Subjects.clean, (v) => state.clean(v)],
    [Subjects.alert, (v) => state.alert(v)],
    [Subjects.alertState, (v) => state.alertState(v)],
    [Subjects.incident, (v) => state.incident(v)],
    [Subjects.impact, (v) => state.impact(v)],
    [Subjects.forecast, (v) => state.forecast(v)],
    [Subjects.action, (v) => state.action(v)],
    [Subjects.actionResult, (v) => state.actionResult(v)],
    [Subjects.audit, (v) => state.auditEvent(v)],
    [Subjects.heartbeat, (v) => state.heartbeat(v)],
  ];
}

/** The subjects the past of a run is read back from, stream by stream. */
const BACKFILL: [string, string][] = [
  [Streams.series.name, Subjects.agg.filter], [Streams.events.name, '>'], [Streams.actions.name, '>'], [Streams.audit.name, Subjects.audit.filter],
];

/**
 * Feeds a LiveState from NATS: subscribes to every subject the dashboard shows, first
 * replays the current run from the streams (so a page opened mid-run is complete), re-reads
 * the catalogue on each new run and the DLQ stream's per-agent counts every few seconds.
 * Invalid messages are counted (`state.rejected`) and logged, never applied.
 */
export async function startFeed(nc: NatsConnection, state: LiveState, log: Logger): Promise<{ stop(): void }> {
  const table = handlers(state);
  const apply = (subject: string, data: unknown): void => {
    if (Subjects.directive.parse(subject)) { beginRunFrom(data); return; }
    const hit = table.find(([def]) => def.parse(subject) !== null);
    if (!hit) return;
    const result = check(hit[0].schema, data);
    if (!result.ok) {
      state.rejected++;
      log.warn({ subject, problems: result.problems }, 'dashboard: invalid message ignored');
      return;
    }
    hit[1](result.value as never);
  };
  const beginRunFrom = (data: unknown): void => {
    const d = data as { type?: string; params?: { runId?: unknown; startTs?: unknown } };
    if (d?.type !== 'begin-run' || typeof d.params?.runId !== 'string' || typeof d.params.startTs !== 'number') return;
    state.beginRun(d.params.runId, d.params.startTs);
    void refreshCatalog(nc, state, log);
  };

  let live: { subject: string; data: unknown }[] | null = [];
  const subs: Subscription[] = [...table.map(([d]) => d.filter), Subjects.directive.filter].map((filter) => nc.subscribe(filter, {
    callback: (err, msg) => {
      if (err) { log.warn({ err: errorMessage(err) }, 'dashboard: subscription error'); return; }
      let data: unknown;
      try { data = JSON.parse(decoder.decode(msg.data)); } catch (e) {
        state.rejected++;
        log.warn({ subject: msg.subject, err: errorMessage(e) }, 'dashboard: message is not JSON');
        return;
      }
      if (live) live.push({ subject: msg.subject, data }); else apply(msg.subject, data);
    },
  }));
  await nc.flush();
  await refreshCatalog(nc, state, log);
  const replayed = await backfill(nc, log);
  const seen = new Set(replayed.map((m) => `${m.subject}|${JSON.stringify(m.data)}`));
  for (const m of replayed) apply(m.subject, m.data);
  for (const m of live) if (!seen.has(`${m.subject}|${JSON.stringify(m.data)}`)) apply(m.subject, m.data);
  live = null;

  const refreshDlq = (): void => { void dlqCounts(nc).then((c) => state.setDlqStored(c), (e) => log.warn({ err: errorMessage(e) }, 'dashboard: cannot read the DLQ stream')); };
  refreshDlq();
  const timer = setInterval(() => { refreshDlq(); void refreshCatalog(nc, state, log); }, 5000);
  return { stop: () => { clearInterval(timer); for (const s of subs) s.unsubscribe(); } };
}

/** The messages of the latest simulated run (from its begin-run on), oldest first; [] when the streams are empty. */
async function backfill(nc: NatsConnection, log: Logger): Promise<StoredMessage[]> {
  try {
    const begin = (await runStarts(nc)).at(-1);
    const out: StoredMessage[] = begin ? [{ seq: 0, subject: Subjects.directive.subject(ALL, ALL, ALL), data: { type: 'begin-run', params: { runId: begin.runId, startTs: begin.startTs } }, time: begin.time }] : [];
    for (const [stream, filter] of BACKFILL) out.push(...await readStream(nc, stream, filter, 50_000, begin?.time));
    return out.sort((a, b) => a.time.localeCompare(b.time));
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'dashboard: cannot replay the current run from the streams; showing live messages only');
    return [];
  }
}

async function refreshCatalog(nc: NatsConnection, state: LiveState, log: Logger): Promise<void> {
  try {
    state.setCatalog(await readCatalog(nc));
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'dashboard: cannot read the service catalogue');
  }
}

/** Messages kept by the VIGIL_DLQ stream per agent id. */
async function dlqCounts(nc: NatsConnection): Promise<Map<string, number>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(Streams.dlq.name, { subjects_filter: Subjects.dlq.filter });
  const out = new Map<string, number>();
  for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
    const agentId = Subjects.dlq.parse(subject)?.agentId;
    if (agentId) out.set(agentId, (out.get(agentId) ?? 0) + n);
  }
  return out;
}
