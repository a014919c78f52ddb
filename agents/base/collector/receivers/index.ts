import { createSocket, type Socket } from 'node:dgram';
import type { Alert, Sample } from '../../../../runtime/contracts/index.js';
import { errorMessage } from '../../../../runtime/errors.js';
import type { Receivers } from '../config.js';
import { CounterMemory } from '../rules.js';
import { alertsFromWebhook } from './alertmanager.js';
import { listenJson, type Listening } from './http-receiver.js';
import { samplesFromOtlp } from './otlp.js';
import { StatsdBook } from './statsd.js';

/** Where received data goes, and where problems are reported. */
export interface ReceiverSinks {
  samples(samples: Sample[]): void;
  alerts(alerts: Alert[]): void;
  problem(where: string, msg: string): void;
  now(): number;
}

/** The push receivers of a live collector: started from the configuration, stopped on change. */
export class PushReceivers {
  readonly #closers: (() => Promise<void>)[] = [];
  readonly #urls: Record<string, string> = {};
  readonly #memory = new CounterMemory();

  constructor(private readonly sinks: ReceiverSinks, private readonly instance: string) {}

  async start(config: Receivers): Promise<void> {
    const { sinks } = this;
    if (config.alertmanager) {
      const am = config.alertmanager;
      await this.http('alertmanager', am.host, am.port, (_path, body) => {
        const alerts = alertsFromWebhook(body, am, sinks.now());
        sinks.alerts(alerts);
        return { status: 200, body: { received: alerts.length } };
      });
    }
    if (config.otlp) {
      await this.http('otlp', config.otlp.host, config.otlp.port, (path, body, req) => {
        if (path !== '/v1/metrics') return { status: 404, body: { error: `${path}: OTLP metrics are POSTed to /v1/metrics` } };
        if (!(req.headers['content-type'] ?? '').includes('json')) return { status: 415, body: { error: 'only the JSON encoding of OTLP/HTTP is accepted' } };
        const { samples } = samplesFromOtlp(body, this.#memory, sinks.now());
        sinks.samples(samples);
        return { status: 200, body: {} };
      });
    }
    if (config.statsd) await this.statsd(config.statsd);
  }

  /** Where each receiver listens (for `vigil inspect collector`). */
  urls(): Record<string, string> { return { ...this.#urls }; }

  async stop(): Promise<void> {
    await Promise.all(this.#closers.splice(0).map((c) => c()));
    for (const k of Object.keys(this.#urls)) delete this.#urls[k];
  }

  private async http(name: string, host: string, port: number, handle: Parameters<typeof listenJson>[2]): Promise<void> {
    try {
      const l: Listening = await listenJson(host, port, (path, body, req) => {
        try {
          return handle(path, body, req);
        } catch (err) {
          this.sinks.problem(name, errorMessage(err));
          return { status: 400, body: { error: errorMessage(err) } };
        }
      });
      this.#urls[name] = l.url;
      this.#closers.push(() => l.close());
    } catch (err) {
      this.sinks.problem(name, `cannot listen on ${host}:${port}: ${errorMessage(err)}`);
    }
  }

  private async statsd(cfg: NonNullable<Receivers['statsd']>): Promise<void> {
    const book = new StatsdBook(cfg.service, this.sinks.now());
    const socket: Socket = createSocket('udp4');
    socket.on('message', (msg) => {
      const bad = book.ingest(msg.toString('utf8'));
      if (bad.length > 0) this.sinks.problem('statsd', `cannot parse '${bad[0]}'`);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(cfg.port, cfg.host, () => { socket.off('error', reject); resolve(); });
      });
    } catch (err) {
      socket.close();
      this.sinks.problem('statsd', `cannot listen on udp ${cfg.host}:${cfg.port}: ${errorMessage(err)}`);
      return;
    }
    socket.on('error', (err) => this.sinks.problem('statsd', errorMessage(err)));
    this.#urls.statsd = `udp://${cfg.host}:${socket.address().port}`;
    const timer = setInterval(() => {
      const samples = book.flush(this.instance, this.sinks.now());
      if (samples.length > 0) this.sinks.samples(samples);
    }, cfg.flushS * 1000);
    this.#closers.push(async () => { clearInterval(timer); socket.close(); });
  }
}
