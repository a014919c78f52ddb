import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, CatalogEntry, check, Streams, Subjects } from '../runtime/contracts/index.js';
import { ConfigError } from '../runtime/errors.js';
import { readStream, type StoredMessage } from '../runtime/nats/stream-read.js';
import type { RunMessages } from './report/build.js';
import type { AnalystAdvice } from './report/recommend.js';

/** Reading the fleet's past from the streams and buckets (the report and the dashboard's replay). */

/** Where a simulated run begins: its begin-run directive, with the stream's time of it. */
export interface RunStart { runId: string; startTs: number; time: string }

/** The simulated runs the control stream knows, oldest first (begin-run directives). */
export async function runStarts(nc: NatsConnection): Promise<RunStart[]> {
  const directives = await readStream(nc, Streams.control.name, Subjects.directive.filter);
  return directives.flatMap((m) => {
    const d = m.data as { type?: string; params?: { runId?: unknown; startTs?: unknown } };
    return d?.type === 'begin-run' && typeof d.params?.runId === 'string' && typeof d.params.startTs === 'number'
      ? [{ runId: d.params.runId, startTs: d.params.startTs, time: m.time }] : [];
  });
}

/**
 * Finds what `id` names: a run id (`last` for the latest run) or an incident id (its latest
 * occurrence: ids repeat across simulated runs), and reads that run's messages from the
 * streams. Fails with the known runs and incidents when `id` matches nothing.
 */
export async function collectRun(nc: NatsConnection, id: string): Promise<{ run: RunMessages; incidentId: string | null; latest: boolean }> {
  const runs = await runStarts(nc);
  let run = id === 'last' ? runs.at(-1) : runs.find((r) => r.runId === id);
  let incidentId: string | null = null;
  if (!run) {
    const incidents = await readStream(nc, Streams.events.name, Subjects.incident.filter);
    const hit = incidents.filter((m) => (m.data as { id?: string })?.id === id).at(-1);
    if (!hit) {
      const known = [...new Set(incidents.map((m) => (m.data as { id?: string })?.id))].slice(-5);
      throw new ConfigError(`no run or incident '${id}': recent runs ${runs.slice(-5).map((r) => r.runId).join(', ') || '(none)'}; recent incidents ${known.join(', ') || '(none)'}`);
    }
    incidentId = id;
    run = runs.filter((r) => r.time <= hit.time).at(-1);
  }
  const next = run ? runs[runs.indexOf(run) + 1] : undefined;
  const messages: StoredMessage[] = [];
  for (const [stream, filter] of [[Streams.events.name, '>'], [Streams.actions.name, '>'], [Streams.audit.name, Subjects.audit.filter], [Streams.series.name, Subjects.agg.filter]]) {
    const all = await readStream(nc, stream, filter, 200_000, run?.time);
    messages.push(...all.filter((m) => next === undefined || m.time < next.time));
  }
  messages.sort((a, b) => a.time.localeCompare(b.time));
  return { run: { runId: run?.runId ?? null, startTs: run?.startTs ?? null, messages }, incidentId, latest: next === undefined };
}

/** The service catalogue (SLOs, billing) as it is now. */
export async function readCatalog(nc: NatsConnection): Promise<CatalogEntry[]> {
  const kv = await new Kvm(nc).open(Buckets.catalog);
  const out: CatalogEntry[] = [];
  for await (const key of await kv.keys()) {
    const e = await kv.get(key);
    const r = e && e.operation === 'PUT' ? check(CatalogEntry, e.json()) : null;
    if (r?.ok) out.push(r.value);
  }
  return out;
}

/** The analyst's last published state (KV vigil-state), or null when no analyst has run. */
export async function readAnalyst(nc: NatsConnection): Promise<AnalystAdvice | null> {
  const kv = await new Kvm(nc).open(Buckets.state);
  for await (const key of await kv.keys()) {
    if (!/^analyst-\d+$/.test(key)) continue;
    const e = await kv.get(key);
    const v = e?.operation === 'PUT' ? (e.json() as Partial<AnalystAdvice> | null) : null;
    if (v && Array.isArray(v.recommendations) && Array.isArray(v.signatures)) return v as AnalystAdvice;
  }
  return null;
}
