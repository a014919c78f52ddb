import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ALL, Buckets, Subjects, type CleanBatch } from '../runtime/contracts/index.js';
import { applyDirective } from '../runtime/nats/directive-client.js';
import { runLoad, type LoadResult } from './live/load.js';
import { repoRoot } from './scenario-loader.js';
import { createWorld, type Scenario } from './world.js';

/** What a live run measured: the load, and what the fleet saw of the service. */
export interface LiveRun {
  scenario: string;
  url: string;
  wallSeconds: number;
  load: LoadResult;
  samplesCollected: number;
  metricsSeen: string[];
  aggWindows: number;
  alerts: number;
}

/**
 * The `live` scenario: starts the billable API (seed 000) as a real HTTP process on
 * loopback, switches the collector to live mode scraping its /metrics every second, drives
 * /pay with the bounded loopback load generator, and reports what came through the fleet.
 * The collector goes back to simulator mode afterwards, whatever happened.
 */
export async function runLive(nc: NatsConnection, scenario: Scenario): Promise<LiveRun> {
  const live = scenario.live;
  if (!live) throw new Error(`scenario ${scenario.name} has no 'live' section`);
  const t0 = performance.now();
  const everyone = { tier: ALL, kind: ALL, agentId: ALL } as const;
  const collectors = { tier: 'base', kind: 'collector', agentId: ALL } as const;
  const world = createWorld(scenario);
  const kv = await new Kvm(nc).open(Buckets.catalog);
  for (const entry of world.catalog()) await kv.put(entry.service, JSON.stringify(entry));
  const { child, url } = await startApi(join(repoRoot(), live.entry), live.port, live.unitPrice);
  const counts = { samples: 0, agg: 0, alerts: 0 };
  const metrics = new Set<string>();
  const subs = [
    nc.subscribe(Subjects.clean.filter, { callback: (_e, m) => {
      const batch = m.json<CleanBatch>();
      const service = batch.services.indexOf(live.service);
      for (let i = 0; i < batch.value.length; i++) {
        if (batch.service[i] !== service) continue;
        counts.samples++;
        metrics.add(batch.metrics[batch.metric[i]]);
      }
    } }),
    nc.subscribe(Subjects.agg.subject(live.service), { callback: () => { counts.agg++; } }),
    nc.subscribe(Subjects.alert.subject(live.service), { callback: () => { counts.alerts++; } }),
  ];
  try {
    await applyDirective(nc, 'begin-run', { runId: 'live', startTs: Date.now() }, everyone, 'sim', `live-begin-${Date.now()}`);
    await applyDirective(nc, 'set-config', { patch: { mode: 'live', intervalS: 1, host: { enabled: false }, targets: [{
      service: live.service, instance: 'i-1', url: `${url}/metrics`,
      metrics: [
        { from: 'pay_unit_price', metric: 'unit_price' },
        { from: 'http_requests_total', metric: 'rps', match: { path: '/pay' } },
        { from: 'revenue_total', metric: 'revenue_per_s' },
        { from: 'http_request_duration_seconds', metric: 'latency_ms', match: { path: '/pay' }, quantile: 0.95, unit: 's' },
      ],
    }] } }, collectors, 'sim', `live-collect-${Date.now()}`);
    const load = await runLoad({ url: `${url}/pay`, rps: live.loadRps, durationS: live.loadDurationS });
    return {
      scenario: scenario.name, url, wallSeconds: (performance.now() - t0) / 1000, load,
      samplesCollected: counts.samples, metricsSeen: [...metrics].sort(), aggWindows: counts.agg, alerts: counts.alerts,
    };
  } finally {
    await applyDirective(nc, 'set-config', { patch: { mode: 'sim', intervalS: 5, host: { enabled: true }, targets: [] } }, collectors, 'sim', `live-restore-${Date.now()}`)
      .catch((err) => process.stderr.write(`vigil: could not put the collector back in sim mode: ${String(err)}\n`));
    for (const s of subs) s.unsubscribe();
    child.kill('SIGTERM');
  }
}

async function startApi(entry: string, port: number, unitPrice: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [entry, '--port', String(port), '--unit-price', String(unitPrice)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => { rl.close(); resolve(l.trim()); });
    child.once('exit', (code) => reject(new Error(`the billable API exited with code ${code} before printing its URL`)));
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(line)) { child.kill(); throw new Error(`the billable API printed '${line}', not its URL`); }
  return { child, url: line };
}

