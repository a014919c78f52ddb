import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import StatsD from 'hot-shots';
import { ALL, Subjects, cleanSamples, type CleanBatch } from '../../runtime/contracts/index.js';
import { applyDirective } from '../../runtime/nats/directive-client.js';
import { useTestFleet } from '../helpers/fleet.js';
import { freePort } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

interface Seen { service: string; metric: string; value: number }

/** The push receivers of a live collector, fed by real senders: an OTLP exporter and a StatsD client from npm. */
describe('push receivers (OTLP/HTTP JSON, StatsD) on a live collector', () => {
  const ctx = useTestFleet();

  it('OTLP from the OpenTelemetry SDK exporter and StatsD from hot-shots become samples; garbage is refused without stopping them', async () => {
    const [otlpPort, statsdPort] = await Promise.all([freePort(), freePort()]);
    const seen: Seen[] = [];
    ctx.nc.subscribe(Subjects.clean.filter, { callback: (_e, m) => {
      const b = m.json<CleanBatch>();
      for (const s of cleanSamples(b)) seen.push({ service: s.service, metric: s.metric, value: s.value });
    } });
    await applyDirective(ctx.nc, 'set-config', { patch: {
      mode: 'live', intervalS: 1, host: { enabled: false },
      receivers: { otlp: { port: otlpPort }, statsd: { port: statsdPort, flushS: 0.5 } },
    } }, { tier: 'base', kind: 'collector', agentId: ALL }, 'test', `push-${Date.now()}`);
    const last = (service: string, metric: string) => seen.filter((s) => s.service === service && s.metric === metric).at(-1)?.value;

    // OTLP: a counter, a histogram and an observable gauge from the SDK, exported as JSON every 300 ms
    await waitFor('the OTLP receiver', async () => (await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceMetrics":[]}' }).catch(() => undefined))?.ok, 20_000, 200);
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'co-1' }),
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `http://127.0.0.1:${otlpPort}/v1/metrics` }), exportIntervalMillis: 300 })],
    });
    const meter = provider.getMeter('vigil-test');
    const orders = meter.createCounter('orders');
    const duration = meter.createHistogram('request.duration', { unit: 'ms' });
    meter.createObservableGauge('queue.depth').addCallback((r) => r.observe(42));
    const tick = setInterval(() => { orders.add(5); duration.record(20); duration.record(80); }, 50);

    // StatsD: a counter, a gauge and a timer from a real client over UDP
    const statsd = new StatsD({ host: '127.0.0.1', port: statsdPort, protocol: 'udp' });
    const beat = setInterval(() => { statsd.increment('billing.payments', 3); statsd.gauge('billing.queue_depth', 17); statsd.timing('billing.latency_ms', 120); }, 50);
    try {
      await waitFor('OTLP samples', () => last('checkout', 'queue_depth') === 42 && (last('checkout', 'orders') ?? 0) > 0 && last('checkout', 'request_duration') !== undefined, 30_000, 200);
      expect(last('checkout', 'request_duration')).toBeGreaterThan(20);
      expect(last('checkout', 'request_duration')).toBeLessThanOrEqual(100);
      await waitFor('StatsD samples', () => last('billing', 'queue_depth') === 17 && (last('billing', 'payments') ?? 0) > 0 && last('billing', 'latency_ms') === 120, 30_000, 200);

      // garbage on both: refused with a reason, and the real senders keep flowing
      const bad = await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope": 1}' });
      expect(bad.status).toBe(400);
      expect((await bad.json() as { error: string }).error).toMatch(/resourceMetrics/);
      const socket = createSocket('udp4');
      await new Promise<void>((r) => socket.send('not a statsd line', statsdPort, '127.0.0.1', () => r()));
      socket.close();
      const count = seen.length;
      await waitFor('more samples after the garbage', () => seen.filter((s) => s.service === 'billing').length > 0 && seen.length > count + 4, 20_000, 200);
      const inspect = await waitFor('the statsd problem in the collector state', async () => {
        const r = await ctx.fleet.cli('inspect', 'collector-1', '--json');
        return r.stdout.includes('cannot parse') ? r.stdout : undefined;
      }, 20_000, 500);
      expect(inspect).toContain('not a statsd line');
    } finally {
      clearInterval(tick);
      clearInterval(beat);
      statsd.close();
      await provider.shutdown();
    }
  }, 120_000);
});
