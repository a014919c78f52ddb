import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSd, Probe } from '../../agents/base/collector/config.js';
import { FileDiscovery } from '../../agents/base/collector/discovery.js';
import { probeSamples, runProbe, SlaBook } from '../../agents/base/collector/probes.js';
import { alertsFromWebhook } from '../../agents/base/collector/receivers/alertmanager.js';
import { samplesFromOtlp } from '../../agents/base/collector/receivers/otlp.js';
import { StatsdBook } from '../../agents/base/collector/receivers/statsd.js';
import { CounterMemory } from '../../agents/base/collector/rules.js';
import { scrapeTarget } from '../../agents/base/collector/scrape.js';
import { checkWithDefaults } from '../../runtime/contracts/index.js';
import { freePort } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const withDefaults = <T>(schema: Parameters<typeof checkWithDefaults>[0], v: unknown): T => {
  const r = checkWithDefaults(schema, v);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value as T;
};
const listen = async (server: ReturnType<typeof createHttp>) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
};

describe('collector inputs', () => {
  it('file_sd: targets from the file, re-read when it changes; a bad entry is reported alone', () => {
    const file = join(dir, 'sd.json');
    const sd = withDefaults<FileSd>(FileSd, { files: [file], metrics: [{ from: 'up', metric: 'up' }] });
    const discovery = new FileDiscovery();
    writeFileSync(file, JSON.stringify([{ targets: ['127.0.0.1:9100'], labels: { service: 'node' } }]));
    const problems: string[] = [];
    expect(discovery.targets([sd], (p) => problems.push(p)).map((t) => [t.service, t.url])).toEqual([['node', 'http://127.0.0.1:9100/metrics']]);
    writeFileSync(file, JSON.stringify([
      { targets: ['127.0.0.1:9100', 'not an address'], labels: { job: 'node' } },
      { targets: ['127.0.0.1:8080'], labels: { service: 'pay-api', __metrics_path__: '/m' } },
    ]));
    expect(discovery.targets([sd], (p) => problems.push(p)).map((t) => t.url)).toEqual(['http://127.0.0.1:9100/metrics', 'http://127.0.0.1:8080/m']);
    expect(problems).toEqual([`${file}: [0] not an address: not host:port`]);
    writeFileSync(file, '[{ "targets": ');
    const broken: string[] = [];
    expect(discovery.targets([sd], (p) => broken.push(p))).toHaveLength(2); // the last good targets stay
    expect(broken[0]).toContain(`${file}: not JSON or YAML`);
  });

  it('scrape: headers are sent (a 401 without them names the URL); TLS with a CA file', async () => {
    const server = createHttp((req, res) => {
      if (req.headers.authorization !== 'Bearer s3cret') { res.writeHead(401).end(); return; }
      res.end('# TYPE up gauge\nup 1\n');
    });
    const port = await listen(server);
    const url = `http://127.0.0.1:${port}/metrics`;
    const target = { service: 'a', instance: 'i', url, metrics: [{ from: 'up', metric: 'up', type: 'auto' as const, match: {}, aggregate: 'sum' as const, quantile: 0.95, scale: 1 }] };
    await expect(scrapeTarget({ ...target, headers: {} }, 0, new CounterMemory(), 2000)).rejects.toThrow(`${url}: HTTP 401`);
    const ok = await scrapeTarget({ ...target, headers: { Authorization: 'Bearer s3cret' } }, 0, new CounterMemory(), 2000);
    expect(ok.samples.map((s) => s.value)).toEqual([1]);
    server.close();

    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = createHttps({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('up 1\n'));
    const tlsPort = await listen(tls);
    const tlsUrl = `https://127.0.0.1:${tlsPort}/metrics`;
    await expect(scrapeTarget({ ...target, url: tlsUrl, headers: {} }, 0, new CounterMemory(), 2000)).rejects.toThrow(new RegExp(`^${tlsUrl}: self-signed certificate`));
    const trusted = await scrapeTarget({ ...target, url: tlsUrl, headers: {}, tls: { caFile: join(dir, 'cert.pem'), insecureSkipVerify: false } }, 0, new CounterMemory(), 2000);
    expect(trusted.samples).toHaveLength(1);
    tls.close();
  });

  it('blackbox: TCP and HTTP probes, availability and the error budget computed from the runs', async () => {
    const tcp = createTcp((s) => s.end());
    const port = await listen(tcp as never);
    const up = withDefaults<Probe>(Probe, { service: 'db', kind: 'tcp', address: `127.0.0.1:${port}` });
    expect((await runProbe(up)).ok).toBe(true);
    tcp.close();
    const dead = await freePort();
    const down = await runProbe(withDefaults<Probe>(Probe, { service: 'db', kind: 'tcp', address: `127.0.0.1:${dead}`, timeoutMs: 500 }));
    expect(down).toMatchObject({ ok: false, reason: expect.stringContaining(`127.0.0.1:${dead}`) });
    const http = await runProbe(withDefaults<Probe>(Probe, { service: 'api', url: `http://127.0.0.1:${dead}/health`, timeoutMs: 500 }));
    expect(http.reason).toContain(`http://127.0.0.1:${dead}/health: connection refused`);
    // 999 good runs and 1 bad one: 99.9 % available, which is exactly the budget of a 99.9 % SLA
    const sla = new SlaBook();
    for (let i = 0; i < 999; i++) sla.record(i * 1000, true);
    const samples = probeSamples(up, { ok: false, ms: 3 }, sla, 999_000);
    expect(Object.fromEntries(samples.map((s) => [s.metric, s.value]))).toEqual({ probe_up: 0, probe_latency_ms: 3, sla_availability: expect.closeTo(99.9, 9), error_budget_left: expect.closeTo(0, 6) });
  });

  it('alertmanager v4: firing -> red/yellow by severity, resolved -> clear, same id; the service from labels; bad payloads named', () => {
    const body = (status: 'firing' | 'resolved') => ({
      version: '4', status, receiver: 'vigil', groupKey: 'g', alerts: [{
        status, labels: { alertname: 'HighErrors', service: 'pay-api', severity: 'critical', instance: '10.0.0.1:8080' },
        annotations: { summary: '5xx above 5 %' }, startsAt: '2026-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: 'abc123',
      }, { status, labels: { alertname: 'Slow', job: 'checkout' }, startsAt: '2026-01-01T00:00:00Z', fingerprint: 'def' }],
    });
    const map = { serviceLabels: ['service', 'job'], defaultService: 'unassigned' };
    const firing = alertsFromWebhook(body('firing'), map, Date.parse('2026-01-01T00:01:00Z'));
    expect(firing.map((a) => [a.id, a.service, a.instance, a.metric, a.level])).toEqual([
      ['am-abc123', 'pay-api', '10-0-0-1-8080', 'HighErrors', 'red'], ['am-def', 'checkout', 'alertmanager', 'Slow', 'yellow'],
    ]);
    expect(firing[0]).toMatchObject({ since: Date.parse('2026-01-01T00:00:00Z'), rule: 'alertmanager', explanation: '5xx above 5 %' });
    expect(alertsFromWebhook(body('resolved'), map, Date.now()).map((a) => [a.id, a.level])).toEqual([['am-abc123', 'clear'], ['am-def', 'clear']]);
    expect(() => alertsFromWebhook({ version: '3', alerts: [] }, map, 0)).toThrow(/alertmanager webhook.version/);
  });

  it('OTLP JSON: gauge, cumulative sum as a rate, delta sum over its interval, histogram p95', () => {
    const memory = new CounterMemory();
    const req = (orders: number, t: number) => ({ resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeMetrics: [{ metrics: [
        { name: 'queue.depth', gauge: { dataPoints: [{ asInt: '40' }, { asDouble: 44 }] } },
        { name: 'orders', sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [{ asInt: String(orders) }] } },
        { name: 'refunds', sum: { isMonotonic: true, aggregationTemporality: 1, dataPoints: [{ asDouble: 6, startTimeUnixNano: String(t * 1e6), timeUnixNano: String((t + 2000) * 1e6) }] } },
        { name: 'latency', unit: 'ms', histogram: { aggregationTemporality: 1, dataPoints: [{ bucketCounts: ['50', '40', '10'], explicitBounds: [10, 50] }] } },
      ] }],
    }] });
    const first = samplesFromOtlp(req(100, 0), memory, 0).samples;
    expect(first.map((s) => [s.metric, s.value])).toEqual([['queue_depth', 42], ['refunds', 3], ['latency', expect.closeTo(50, 9)]]);
    const second = samplesFromOtlp(req(160, 2000), memory, 2000).samples;
    expect(second.find((s) => s.metric === 'orders')?.value).toBe(30);
    expect(second.find((s) => s.metric === 'latency')?.unit).toBe('ms');
    expect(() => samplesFromOtlp({ metrics: [] }, memory, 0)).toThrow(/resourceMetrics/);
  });

  it('StatsD: counters as rates (sampling honoured), gauges (+/-), timers p95, sets; bad lines counted', () => {
    const book = new StatsdBook('statsd', 0);
    expect(book.ingest('pay.requests:5|c\npay.requests:1|c|@0.5\npay.queue:10|g\npay.queue:-3|g\nlatency:100|ms\nlatency:300|ms|#service:pay\nusers:u1|s\nusers:u2|s\nusers:u1|s\ngarbage')).toEqual(['garbage']);
    const out = Object.fromEntries(book.flush('c-1', 2000).map((s) => [`${s.service}.${s.metric}`, s.value]));
    expect(out).toEqual({ 'pay.requests': 3.5, 'pay.queue': 7, 'statsd.latency': 100, 'statsd.latency_count': 0.5, 'pay.latency': 300, 'pay.latency_count': 0.5, 'statsd.users': 2 });
    expect(book.bad).toBe(1);
  });
});
