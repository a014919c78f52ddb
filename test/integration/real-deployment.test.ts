import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Streams, Subjects, cleanSamples, type Alert, type CleanBatch, type Incident } from '../../runtime/contracts/index.js';
import { connectNats } from '../../runtime/nats/connect.js';
import { loadCredentials } from '../../runtime/supervisor/credentials.js';
import { runLoad, type LoadResult } from '../../sim/live/load.js';
import { runCli } from '../helpers/fleet.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { REPO_ROOT } from '../helpers/nats-server.js';
import { freePort, promQuery, startBillableApi, startOnFreePort, type RunningProgram } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/**
 * vigil on real processes, from the example deployment file: node_exporter, the billable API
 * (seed 000) and a second "flaky" API on loopback, scraped by Debian's prometheus (which
 * raises an alert through Debian's alertmanager) and by a vigil fleet started with
 * `vigil up --config`. vigil's figures are compared with what Prometheus computes.
 */
interface Seen { service: string; metric: string; value: number; ts: number }

const dir = mkdtempSync(join(tmpdir(), 'vigil-real-'));
const configFile = join(dir, 'vigil.yaml');
const env = { home: join(dir, 'home'), url: '' };
const programs: RunningProgram[] = [];
const seen: Seen[] = [];
const incidents: Incident[] = [];
let nc: NatsConnection;
let prom: RunningProgram;
let pay: RunningProgram;
let flaky: RunningProgram;
let flakyPort: number;
let load: Promise<LoadResult>;
let hook: HttpReceiver;
const alerts: Alert[] = [];

const since = (service: string, metric: string, from: number) => seen.filter((s) => s.service === service && s.metric === metric && s.ts > from);
const mean = (xs: Seen[]) => xs.reduce((a, s) => a + s.value, 0) / xs.length;

beforeAll(async () => {
  const [natsPort, vigilAmPort] = await Promise.all([freePort(), freePort()]);
  flakyPort = await freePort();
  env.url = `nats://127.0.0.1:${natsPort}`;
  pay = await startBillableApi();
  flaky = await startBillableApi(flakyPort);
  programs.push(pay);
  const node = await startOnFreePort('/usr/bin/prometheus-node-exporter', (port) => [
    `--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults',
    '--collector.cpu', '--collector.meminfo', '--collector.filesystem', '--collector.loadavg',
  ], '/metrics');
  programs.push(node);

  writeFileSync(join(dir, 'am.yml'), [
    'route: { receiver: vigil, group_by: [alertname, service], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }',
    `receivers: [{ name: vigil, webhook_configs: [{ url: "http://127.0.0.1:${vigilAmPort}/alerts", send_resolved: true }] }]`,
  ].join('\n'));
  const am = await startOnFreePort('/usr/bin/prometheus-alertmanager', (port) => [
    `--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
  ], '/-/ready');
  programs.push(am);
  writeFileSync(join(dir, 'rules.yml'), [
    'groups:',
    '  - name: vigil-test',
    '    interval: 1s',
    '    rules:',
    '      - alert: FlakyApiDown',
    '        expr: up{job="flaky"} == 0',
    '        labels: { service: flaky-api, severity: critical }',
    '        annotations: { summary: "the flaky API does not answer its scrape" }',
  ].join('\n'));
  const hostOf = (u: string) => new URL(u).host;
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ["${join(dir, 'rules.yml')}"]`,
    `alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:${am.port}"] }] }] }`,
    'scrape_configs:',
    `  - { job_name: node, static_configs: [{ targets: ["127.0.0.1:${node.port}"] }] }`,
    `  - { job_name: pay, static_configs: [{ targets: ["${hostOf(pay.url)}"] }] }`,
    `  - { job_name: flaky, static_configs: [{ targets: ["127.0.0.1:${flakyPort}"] }] }`,
  ].join('\n'));
  prom = await startOnFreePort('/usr/bin/prometheus', (port) => [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--rules.alert.resend-delay=1s',
  ], '/-/ready');
  programs.push(prom);

  hook = await startHttpReceiver();
  // people are called at N1 5 s into an incident rather than 15 min (a policy override from the file)
  writeFileSync(configFile, readFileSync(join(REPO_ROOT, 'examples', 'vigil.yaml'), 'utf8')
    .replace('\npolicy:\n', '\npolicy:\n  overrides: [{ path: escalation.levels.1.afterS, value: 5 }]\n'));
  // actions and notifications: vigil up --config starts the actuator and the notifier from the same file
  appendFileSync(configFile, [
    '',
    'actuators:',
    `  - { name: ops, type: exec, services: ["*"], commands: { restart: { run: ["${process.execPath}", "-e", "0"] } } }`,
    'notifications:',
    `  channels: [{ name: ops-hook, type: webhook, url: "${hook.url}/hook", levels: [N1, N2, N3, N4] }]`,
    '',
  ].join('\n'));
  Object.assign(process.env, {
    NODE_EXPORTER_URL: `http://127.0.0.1:${node.port}/metrics`, PAY_API_URL: pay.url,
    VIGIL_INTERVAL_S: '1', VIGIL_ALERTMANAGER_PORT: String(vigilAmPort), VIGIL_ARCHIVE_DIR: join(dir, 'archive'),
    // VIGIL_AGENT_CONFIG under vigil up: each kind gets its own part (it used to reach every agent, which exited 78)
    VIGIL_AGENT_CONFIG: JSON.stringify({ correlator: { quietS: 3 } }),
  });
  const up = await runCli(env, ['up', '--detach', '--config', configFile, '--timeout', '90000']);
  delete process.env.VIGIL_AGENT_CONFIG;
  expect(up.code, up.stderr + up.stdout).toBe(0);
  nc = await connectNats({ url: env.url, user: 'operator', password: loadCredentials(env.home).operator }, 'test-real');
  nc.subscribe(Subjects.clean.filter, { callback: (_e, m) => {
    const batch = m.json<CleanBatch>();
    for (const s of cleanSamples(batch)) seen.push({ service: s.service, metric: s.metric, value: s.value, ts: s.ts });
  } });
  nc.subscribe(Subjects.incident.filter, { callback: (_e, m) => { incidents.push(m.json<Incident>()); } });
  nc.subscribe(Subjects.alert.filter, { callback: (_e, m) => { alerts.push(m.json<Alert>()); } });
  load = runLoad({ url: `${pay.url}/pay`, rps: 40, durationS: 25 });
}, 150_000);

afterAll(async () => {
  await nc?.close();
  await runCli(env, ['down']).catch(() => undefined);
  await Promise.all([...programs, flaky].filter(Boolean).map((p) => p.stop()));
  await hook?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('a real deployment from examples/vigil.yaml', () => {
  it('its figures match what Prometheus computes for the same series (label selectors, counters to rates, histogram p95)', async () => {
    await waitFor('12 s of vigil samples under load', () => since('pay-api', 'rps', Date.now() - 60_000).length >= 12 && since('node', 'cpu', 0).length >= 10, 60_000, 500);
    const t = Date.now() - 2000; // a moment both have scraped past
    const w = 10_000;
    const around = (service: string, metric: string) => seen.filter((s) => s.service === service && s.metric === metric && s.ts > t - w && s.ts <= t);
    const compare = async (service: string, metric: string, promql: string, tolerance: (p: number) => number) => {
      const ours = mean(around(service, metric));
      const theirs = await promQuery(prom.url, promql, t);
      expect(theirs, promql).toBeDefined();
      process.stdout.write(`vigil ${service}.${metric} = ${ours.toPrecision(6)}, prometheus ${theirs!.toPrecision(6)} (${promql})\n`);
      expect(Math.abs(ours - theirs!), `${service}.${metric}: vigil ${ours} vs prometheus ${theirs} (${promql})`).toBeLessThanOrEqual(tolerance(theirs!));
      return { ours, theirs: theirs! };
    };
    const rps = await compare('pay-api', 'rps', `sum(rate(http_requests_total{job="pay",path="/pay"}[${w / 1000}s]))`, (p) => 0.15 * p);
    expect(rps.ours).toBeGreaterThan(20);
    // vigil reports the p95 of each scrape interval: compare with the mean of Prometheus's short-window p95s
    // (a p95 over the whole window is another statistic), within the width of the buckets the latencies fall in
    await compare('pay-api', 'latency_ms', `avg_over_time((1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="pay",path="/pay"}[2s]))))[${w / 1000}s:1s])`, (p) => Math.max(0.5 * p, 2));
    const cpu = await compare('node', 'cpu', `100 * avg(sum by (cpu) (rate(node_cpu_seconds_total{job="node",mode!~"idle|iowait"}[${w / 1000}s])))`, () => 15);
    expect(cpu.ours).toBeLessThanOrEqual(100); // not ~200 on two cores: idle is not counted
    await compare('node', 'disk_free_bytes', 'max(node_filesystem_avail_bytes{job="node",mountpoint="/"})', (p) => 0.01 * p);
    await compare('node', 'memory_available_bytes', 'node_memory_MemAvailable_bytes{job="node"}', (p) => 0.05 * p);
  }, 90_000);

  it('the actuator and the notifier the file declares run beside the fleet', async () => {
    const log = (name: string) => { const f = join(env.home, 'logs', `${name}.log`); return existsSync(f) ? readFileSync(f, 'utf8') : ''; };
    await waitFor('actuator and notifier ready', () => log('actuator').includes('actuator ready: ops') && log('notifier').includes('notifier ready: ops-hook'), 30_000, 200);
  }, 40_000);

  it('blackbox: /health probed on a schedule, availability and latency as samples, the SLA computed from them', async () => {
    const probe = await waitFor('probe samples', () => {
      const up = since('pay-api', 'probe_up', 0);
      return up.length >= 2 ? up : undefined;
    }, 30_000, 200);
    expect(probe.every((s) => s.value === 100)).toBe(true);
    expect(since('pay-api', 'probe_latency_ms', 0).at(-1)!.value).toBeGreaterThan(0);
    expect(since('pay-api', 'sla_availability', 0).at(-1)!.value).toBe(100);
    expect(since('pay-api', 'error_budget_left', 0).at(-1)!.value).toBe(100);
  }, 40_000);

  it('alertmanager: a Prometheus rule fires on a real target, the alert opens an incident in vigil, which resolves when the rule clears', async () => {
    await flaky.stop();
    const opened = await waitFor('an open flaky-api incident', () => incidents.find((i) => i.service === 'flaky-api' && i.status === 'open'), 60_000, 200);
    expect(opened.metrics).toContain('flaky-api.FlakyApiDown');
    flaky = await startBillableApi(flakyPort);
    const resolved = await waitFor('the incident resolved', () => incidents.find((i) => i.id === opened.id && i.status === 'resolved'), 60_000, 200);
    expect(resolved.ts).toBeGreaterThan(opened.ts);
    // retention (seed 004): the event stream keeps a week hot, and every event is archived by day
    const info = await (await jetstreamManager(nc)).streams.info(Streams.dlq.name);
    expect(info.config.max_age).toBe(86_400 * 1e9);
    const archived = await waitFor('the incident in the archive', () => {
      const day = join(dir, 'archive', Streams.events.name, `${new Date().toISOString().slice(0, 10)}.jsonl`);
      const text = existsSync(day) ? readFileSync(day, 'utf8') : '';
      return text.includes(Subjects.incident.subject('flaky-api')) ? text : undefined;
    }, 20_000, 200);
    expect(archived.split('\n').filter(Boolean).every((l) => typeof JSON.parse(l).seq === 'number')).toBe(true);
  }, 130_000);

  it('a bad target or a config error never stops other services\' data; ps shows the collector degraded with the URL and reason', async () => {
    const deadPort = await freePort();
    const original = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, original.replace('targets:\n', [
      'targets:',
      `  - { service: ghost, url: "http://127.0.0.1:${deadPort}/metrics", metrics: [{ from: up, metric: up }] }`,
      `  - { service: badunit, url: "${pay.url}/metrics", metrics: [{ from: revenue_total, metric: x, unit: furlongs }] }`,
      '',
    ].join('\n')));
    const changedAt = Date.now();
    const row = await waitFor('the collector degraded with the dead URL', async () => {
      const ps = await runCli(env, ['ps', '--json']);
      const rows = JSON.parse(ps.stdout) as { kind: string; status: string; detail?: string }[];
      const c = rows.find((r) => r.kind === 'collector');
      return c?.status === 'degraded' && c.detail?.includes(`127.0.0.1:${deadPort}`) ? c : undefined;
    }, 30_000, 500);
    expect(row.detail).toMatch(/connection refused/);
    expect(row.detail).toMatch(/badunit|furlongs|unit/);
    const text = await runCli(env, ['ps']);
    expect(text.stdout).toMatch(new RegExp(`collector.*degraded.*127\\.0\\.0\\.1:${deadPort}`));
    await waitFor('pay-api and node samples after the change', () => since('pay-api', 'rps', changedAt + 2000).length >= 2 && since('node', 'cpu', changedAt + 2000).length >= 2, 20_000, 200);
    // vigil config apply: the same file applied explicitly; the refused entry makes it exit 2, the rest applies
    const apply = await runCli(env, ['config', 'apply', configFile]);
    expect(apply.code, apply.stderr).toBe(2);
    expect(apply.stdout).toMatch(/applied to collector, orchestrator; 2 services in the catalogue/);
    expect(apply.stdout).toMatch(/refused: .*metrics\.0\.unit: must be one of/);

    writeFileSync(configFile, 'targets: [ this is not yaml');
    const brokenAt = Date.now();
    await waitFor('the reload refused in the fleet log', () => readFileSync(join(env.home, 'fleet.log'), 'utf8').includes('not applied, the previous configuration stays'), 20_000, 200);
    await waitFor('samples still flowing after the broken file', () => since('pay-api', 'rps', brokenAt + 2000).length >= 2, 20_000, 200);
  }, 90_000);

  it('a simulated run on a live fleet fails loudly instead of measuring nothing', async () => {
    const run = await runCli(env, ['sim', 'run', 'cpu-spike']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/collector-1 collects live/);
    // nor does the live demo take the deployment's collector over (it would put it back in sim mode)
    const demo = await runCli(env, ['demo', 'live', '--json']);
    expect(demo.code, demo.stderr).toBe(2); // a usage or configuration error (README "Exit codes")
    expect(demo.stderr).toMatch(/collector-1 already collects live .*a fleet of its own/);
    const after = Date.now();
    await waitFor('pay-api samples still flowing after the refused demo', () => since('pay-api', 'rps', after).length >= 1, 20_000, 200);
    const result = await load;
    expect(result.ok).toBeGreaterThan(0);
  }, 60_000);

  it('a service that stops answering its health probe: a red alert, an incident, and the channel is told at N1', async () => {
    const stoppedAt = Date.now();
    await pay.stop();
    const alert = await waitFor('a red probe_up alert on pay-api', () => alerts.find((a) => a.service === 'pay-api' && a.metric === 'probe_up' && a.level === 'red' && a.ts >= stoppedAt - 5000), 90_000, 200);
    expect(alert.value).toBe(0);
    const opened = await waitFor('an open pay-api incident', () => incidents.find((i) => i.service === 'pay-api' && i.status === 'open' && i.alertIds.includes(alert.id)), 90_000, 200);
    const told = await waitFor('the channel told of the pay-api incident', () => hook.received.find((r) => (r.body as { incidentId?: string }).incidentId === opened.id), 90_000, 200);
    expect(told.body).toMatchObject({ version: 'vigil.notification.v1', kind: 'escalated', service: 'pay-api', level: 'N1' });
  }, 240_000);
});
