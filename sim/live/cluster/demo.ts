/**
 * `vigil demo live`: vigil on real processes. The billable API of seed 000 runs as several
 * processes behind the demo's load balancer; the collector scrapes the balancer; the exec
 * actuator (`vigil actuator run`, a process of its own) controls the cluster. A bounded
 * loopback load drives /pay; after a warm-up a bad release (v2) is deployed the way a CI
 * pipeline would. The fleet detects it, the orchestrator rolls the version back through the
 * exec actuator, and the demo measures detection, action and recovery from what callers see.
 * Everything it started is stopped and the collector goes back to simulator mode, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ALL, Buckets, Subjects, type ActionResult } from '../../../runtime/contracts/index.js';
import { ConfigError } from '../../../runtime/errors.js';
import { applyDirective } from '../../../runtime/nats/directive-client.js';
import { liveCollectors } from '../../live-guard.js';
import { runLoad, type LoadResult } from '../load.js';
import { repoRoot } from '../../scenario-loader.js';
import { DEMO_SERVICE, DEMO_VERSIONS, demoActuators, demoCatalogEntry, demoTarget } from './demo-setup.js';
import { Cluster } from './instances.js';
import { ErrorRateProbe } from './probe.js';

export interface LiveDemoOptions {
  /** state folder of the fleet (VIGIL_HOME) and its NATS URL: the actuator process needs them */
  home: string;
  natsUrl: string;
  rps: number;
  instances: number;
  /** seconds of healthy traffic before the bad release */
  warmupS: number;
  /** the whole demo stops after this many seconds, recovered or not */
  maxS: number;
  /** progress lines (stderr) */
  progress?: (line: string) => void;
}

export interface LiveDemoReport {
  service: string;
  balancer: string;
  instances: number;
  badVersion: string;
  recovered: boolean;
  figures: {
    /** from the bad release to the first alert or incident on the service (the deploy check raises an incident at once) */
    timeToDetectS: number | null;
    timeToIncidentS: number | null;
    /** from the bad release to the rollback applied by the exec actuator */
    timeToActS: number | null;
    /** from the bad release until callers see errors under the SLO again (10 s in a row) */
    timeToRecoverS: number | null;
    errorRateBeforePct: number;
    errorRatePeakPct: number;
    errorRateAfterPct: number | null;
  };
  actions: { type: string; status: string; detail: string; before: unknown; after: unknown }[];
  load: LoadResult;
  wallSeconds: number;
}

const CLI = join(repoRoot(), 'dist', 'runtime', 'cli', 'main.js');
const BALANCER = join(repoRoot(), 'dist', 'sim', 'live', 'cluster', 'balancer-main.js');

export async function runLiveDemo(nc: NatsConnection, o: LiveDemoOptions): Promise<LiveDemoReport> {
  const say = o.progress ?? (() => {});
  // The demo points the collector at its own balancer and puts it back in simulator mode at the
  // end: on a fleet that monitors real services (vigil up --config) that would stop their data.
  const live = await liveCollectors(nc);
  if (live.length > 0) {
    throw new ConfigError(`${live.join(', ')} already collects live (a deployment file?): the demo would take it over. `
      + "Run the demo on a fleet of its own: vigil up --detach --home /tmp/vigil-demo --nats-url nats://127.0.0.1:4333, then vigil demo live with the same options "
      + "(if an interrupted demo left it live: vigil directive set-config --to collector --patch '{\"mode\":\"sim\",\"targets\":[]}')");
  }
  const t0 = performance.now();
  const dir = mkdtempSync(join(o.home, 'demo-live-'));
  const cluster = new Cluster(join(dir, 'cluster'));
  const collectors = { tier: 'base', kind: 'collector', agentId: ALL } as const;
  const children: ChildProcess[] = [];
  const seen = { alert: null as number | null, incident: null as number | null, results: [] as { at: number; r: ActionResult }[] };
  const subs = [
    nc.subscribe(Subjects.alert.subject(DEMO_SERVICE), { callback: () => { if (released()) seen.alert ??= Date.now(); } }),
    nc.subscribe(Subjects.incident.subject(DEMO_SERVICE), { callback: () => { if (released()) seen.incident ??= Date.now(); } }),
    nc.subscribe(Subjects.actionResult.filter, { callback: (_e, m) => {
      const r = m.json<ActionResult>();
      if (r.service === DEMO_SERVICE) seen.results.push({ at: Date.now(), r });
    } }),
  ];
  const stopLoad = new AbortController();
  let releasedAt = Number.POSITIVE_INFINITY;
  const released = (): boolean => Date.now() >= releasedAt;
  try {
    cluster.init(DEMO_VERSIONS, 'v1', Math.max(o.instances, 6));
    await cluster.scale(o.instances);
    say(`cluster: ${o.instances} instances of v1`);
    const lbUrl = await startChild(children, [BALANCER, '--backends', cluster.backendsFile], /^http:\/\/127\.0\.0\.1:\d+$/);
    writeFileSync(join(dir, 'vigil.json'), JSON.stringify({ actuators: demoActuators(cluster.dir) }, null, 2));
    await startChild(children, [CLI, 'actuator', 'run', '--config', join(dir, 'vigil.json'), '--ledger', join(dir, 'ledger.jsonl')], /actuator ready/,
      { VIGIL_HOME: o.home, VIGIL_NATS_URL: o.natsUrl });
    say(`balancer ${lbUrl}; exec actuator ready`);
    const kv = await new Kvm(nc).open(Buckets.catalog);
    await kv.put(DEMO_SERVICE, JSON.stringify(demoCatalogEntry(Math.max(o.instances, 6))));
    const everyone = { tier: ALL, kind: ALL, agentId: ALL } as const;
    await applyDirective(nc, 'begin-run', { runId: `demo-live-${Date.now()}`, startTs: Date.now() }, everyone, 'demo', `demo-begin-${Date.now()}`);
    await applyDirective(nc, 'set-config', { patch: { mode: 'live', intervalS: 1, host: { enabled: false }, targets: [demoTarget(lbUrl)] } }, collectors, 'demo', `demo-collect-${Date.now()}`);
    const probe = new ErrorRateProbe(`${lbUrl}/metrics`);
    probe.start();
    const load = runLoad({ url: `${lbUrl}/pay`, rps: o.rps, durationS: o.maxS, signal: stopLoad.signal });
    say(`load: ${o.rps} requests/s on ${lbUrl}/pay; warming up ${o.warmupS} s`);
    await sleep(o.warmupS * 1000);
    const before = probe.mean();
    releasedAt = Date.now();
    await cluster.deploy('v2');
    say('released v2 (bad): waiting for vigil to notice and roll it back');
    const deadline = t0 + o.maxS * 1000;
    const rollback = (): { at: number; r: ActionResult } | undefined => seen.results.find((x) => x.r.type === 'rollback-deploy' && x.r.status === 'applied');
    while (performance.now() < deadline && !(rollback() && probe.healthySince(rollback()!.at, 10_000, 1))) await sleep(500);
    stopLoad.abort();
    probe.stop();
    const rb = rollback();
    const recoveredAt = rb ? probe.recoveredAt(rb.at, 10_000, 1) : null;
    const secs = (t: number | null): number | null => (t === null ? null : Math.round((t - releasedAt) / 100) / 10);
    return {
      service: DEMO_SERVICE, balancer: lbUrl, instances: o.instances, badVersion: 'v2', recovered: recoveredAt !== null,
      figures: {
        timeToDetectS: secs(firstAfter(releasedAt, seen.alert, seen.incident)), timeToIncidentS: secs(seen.incident),
        timeToActS: secs(rb?.at ?? null), timeToRecoverS: secs(recoveredAt),
        errorRateBeforePct: round(before), errorRatePeakPct: round(probe.peakSince(releasedAt)), errorRateAfterPct: recoveredAt === null ? null : round(probe.meanSince(recoveredAt)),
      },
      actions: seen.results.map(({ r }) => ({ type: r.type, status: r.status, detail: r.detail ?? '', before: r.before, after: r.after })),
      load: await load,
      wallSeconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    stopLoad.abort();
    for (const s of subs) s.unsubscribe();
    await applyDirective(nc, 'set-config', { patch: { mode: 'sim', intervalS: 5, host: { enabled: true }, targets: [] } }, collectors, 'demo', `demo-restore-${Date.now()}`)
      .catch((err) => process.stderr.write(`vigil: could not put the collector back in sim mode: ${String(err)}\n`));
    for (const c of children) c.kill('SIGTERM');
    try { cluster.down(); } catch (err) { process.stderr.write(`vigil: demo cluster: ${String(err)}\n`); }
  }
}

/** The earliest of the times at or after `t` (null when none). */
function firstAfter(t: number, ...times: (number | null)[]): number | null {
  const after = times.filter((x): x is number => x !== null && x >= t);
  return after.length === 0 ? null : Math.min(...after);
}

const round = (x: number): number => Math.round(x * 100) / 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts `node args`, resolves with the first stdout line matching `ready` (rejects if it exits first). */
async function startChild(children: ChildProcess[], args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, args, { env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => { if (ready.test(l.trim())) resolve(l.trim()); });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with code ${code} before it was ready`)));
  });
}
