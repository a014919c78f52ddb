import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../runtime/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentKinds } from '../../agents/registry.js';
import { scrapeTargetsPath, type TargetGroup } from '../../runtime/supervisor/scrape-targets.js';
import { monitoringUrl, startNatsServer } from '../../runtime/supervisor/nats-server.js';
import { terminate } from '../../runtime/supervisor/supervisor.js';
import { generateCredentials } from '../../runtime/supervisor/credentials.js';
import { useTestFleet, type TestFleet } from '../helpers/fleet.js';
import { REPO_ROOT } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

const PROM_DIR = join(REPO_ROOT, 'prometheus');

function tool(bin: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(bin, args, { cwd: PROM_DIR, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}


describe('Prometheus files: rules, config, Grafana dashboard', () => {
  it('prometheus/rules: promtool check rules, promtool test rules and promtool check config pass', () => {
    const check = tool('promtool', ['check', 'rules', 'rules/vigil.rules.yml']);
    expect(check.status, check.out).toBe(0);
    const unit = tool('promtool', ['test', 'rules', 'tests/vigil.rules.test.yml']);
    expect(unit.status, unit.out).toBe(0);
    const config = tool('promtool', ['check', 'config', 'prometheus.yml']);
    expect(config.status, config.out).toBe(0);
  });

  it('Grafana dashboard: valid JSON whose every query reads a metric the agents export', async () => {
    const dash = JSON.parse(readFileSync(join(PROM_DIR, 'grafana', 'vigil-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const { agentRegistry } = await import('../../runtime/host/metrics.js');
    const { registry } = agentRegistry({ agentId: 'x-1', kind: 'x', tier: 'base', counters: {}, eventTimeMs: () => 0, lagMs: () => 0, heldMessages: () => 0 });
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    exported.add('up');
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      const names = [...expr.matchAll(/\b((?:vigil|process|nodejs)_[a-z_]+|up)\{/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''));
      expect(names.length, expr).toBeGreaterThan(0);
      for (const n of names) expect(exported, `${n} in ${expr}`).toContain(n);
    }
  });

  it('nats-server: started by vigil, it serves its monitoring port on loopback', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-mon-'));
    const storeDir = join(home, 'jetstream');
    const server = await startNatsServer({ confPath: join(REPO_ROOT, 'nats.conf'), port: await freePort(), storeDir, logFile: join(home, 'nats.log'), creds: generateCredentials() });
    try {
      const url = await waitFor('the monitoring port in the ports file', () => monitoringUrl(storeDir, server.pid));
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const varz = await (await fetch(`${url}/varz`)).json() as { server_id: string };
      expect(varz.server_id).toBeTruthy();
    } finally {
      await terminate(server, 3000);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('Prometheus scrapes a running fleet', () => {
  const shared = useTestFleet();
  let fleet: TestFleet;
  let prom: ChildProcess | null = null;
  let dir = '';
  beforeAll(() => { ({ fleet } = shared); dir = mkdtempSync(join(tmpdir(), 'vigil-prom-')); });
  afterAll(async () => {
    if (prom) await terminate(prom, 3000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('supervisor: writes a file_sd target per agent; each answers /metrics; vigil ps shows the ports', async () => {
    const groups = await waitFor('a scrape target per agent', () => {
      const g = JSON.parse(readFileSync(scrapeTargetsPath(fleet.nats.home), 'utf8')) as TargetGroup[];
      return g.length === agentKinds.length ? g : undefined;
    }, 20_000, 200);
    expect(groups.map((g) => g.labels.kind).sort()).toEqual([...agentKinds].sort());
    for (const g of groups) {
      const text = await (await fetch(`http://${g.targets[0]}/metrics`)).text();
      expect(text).toContain(`vigil_messages_in_total{agent="${g.labels.agent}"`);
      expect(text).toMatch(/process_resident_memory_bytes\{[^}]*\} \d+/);
      expect(text).toContain('# TYPE vigil_handler_duration_seconds histogram');
    }
    const ps = await fleet.cli('ps', '--json');
    const rows = JSON.parse(ps.stdout) as { agentId: string; metricsPort: number }[];
    for (const g of groups) expect(`127.0.0.1:${rows.find((r) => r.agentId === g.labels.agent)!.metricsPort}`).toBe(g.targets[0]);
    expect((await fleet.cli('ps')).stdout).toMatch(/METRICS[\s\S]*http:\/\/127\.0\.0\.1:\d+\/metrics/);
  });

  it("prometheus: Debian's prometheus scrapes the fleet through the file_sd file; a vigil metric comes back from its HTTP API", async () => {
    const port = await freePort();
    const config = readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8')
      .replace('scrape_interval: 5s', 'scrape_interval: 1s')
      .replace("'../.vigil/prometheus-targets.json'", JSON.stringify(scrapeTargetsPath(fleet.nats.home)))
      .replace('rules/vigil.rules.yml', join(PROM_DIR, 'rules', 'vigil.rules.yml'));
    writeFileSync(join(dir, 'prometheus.yml'), config);
    let log = '';
    prom = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prom.stderr!.on('data', (d) => { log += d; });
    const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = await res.json() as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.status === 'success' ? body.data.result : [];
    };
    const series = await waitFor(`prometheus to scrape every agent (log: ${log.slice(-500)})`, async () => {
      const r = await query('vigil_messages_in_total{job="vigil"}');
      return r.length === agentKinds.length ? r : undefined;
    }, 60_000, 500);
    expect(series.map((s) => s.metric.kind).sort()).toEqual([...agentKinds].sort());
    const up = await query('up{job="vigil"} == 1');
    expect(up).toHaveLength(agentKinds.length);
    const rss = await query('process_resident_memory_bytes{kind="detector"}');
    expect(Number(rss[0].value[1])).toBeGreaterThan(10 * 1024 * 1024);
  }, 120_000);
});
