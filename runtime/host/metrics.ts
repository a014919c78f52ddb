import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { VERSION } from '../version.js';
import type { BusObserver } from './bus.js';

/** What the metrics read from the host at scrape time. */
export interface MetricSources {
  agentId: string;
  kind: string;
  tier: string;
  /** The host's counters: in, out, dlq, errors, plus each agent's own (samples, actions...). */
  counters: Record<string, number>;
  /** The agent's event-time clock, ms (0 before the first watermark). */
  eventTimeMs(): number;
  /** Event time seen on inputs minus the clock, ms. */
  lagMs(): number;
  /** Inputs waiting for event time to cover them. */
  heldMessages(): number;
}

/** The agent's /metrics endpoint: a prom-client registry served on a loopback port. */
export interface AgentMetrics {
  /** Per-subject message and handler-latency counts, fed by the agent's bus. */
  observer: BusObserver;
  /** The port /metrics answers on. */
  port: number;
  registry: Registry;
  close(): Promise<void>;
}

const HOST_COUNTERS = new Set(['in', 'out', 'dlq', 'errors']);

/** Builds the registry (DESIGN §9): messages, DLQ, handler latency, lag, event time, RSS, decisions. */
export function agentRegistry(src: MetricSources): { registry: Registry; observer: BusObserver } {
  const registry = new Registry();
  registry.setDefaultLabels({ agent: src.agentId, kind: src.kind, tier: src.tier });
  collectDefaultMetrics({ register: registry }); // process_resident_memory_bytes, event-loop lag, heap, GC
  const fromCounter = (name: string, help: string, key: string): void => {
    new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(src.counters[key] ?? 0); } });
  };
  fromCounter('vigil_messages_in_total', 'messages received on the agent inputs (before validation)', 'in');
  fromCounter('vigil_messages_out_total', 'messages the agent published', 'out');
  fromCounter('vigil_dlq_total', 'messages rejected to the agent DLQ (invalid, or the handler failed)', 'dlq');
  fromCounter('vigil_errors_total', 'handler failures and failed heartbeats', 'errors');
  new Counter({
    name: 'vigil_agent_events_total', help: "the agent's own counters (samples, alerts, actions, ...), by name", labelNames: ['event'], registers: [registry],
    collect() {
      this.reset();
      for (const [name, value] of Object.entries(src.counters)) if (!HOST_COUNTERS.has(name)) this.inc({ event: name }, value);
    },
  });
  const received = new Counter({ name: 'vigil_subject_messages_in_total', help: 'valid messages received, by subject family', labelNames: ['subject'], registers: [registry] });
  const sent = new Counter({ name: 'vigil_subject_messages_out_total', help: 'messages published, by subject family', labelNames: ['subject'], registers: [registry] });
  const decisions = new Counter({ name: 'vigil_decisions_total', help: 'decisions taken: actions (by type) and directives (by type) the agent published', labelNames: ['decision', 'type'], registers: [registry] });
  const handler = new Histogram({
    name: 'vigil_handler_duration_seconds', help: 'time spent in the handler of one input message, by subject family', labelNames: ['subject'],
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry],
  });
  new Gauge({ name: 'vigil_lag_seconds', help: 'event time seen on inputs minus the agent clock', registers: [registry], collect() { this.set(src.lagMs() / 1000); } });
  new Gauge({ name: 'vigil_event_time_seconds', help: "the agent's event-time clock (Unix seconds; 0 before the first watermark)", registers: [registry], collect() { this.set(src.eventTimeMs() / 1000); } });
  new Gauge({ name: 'vigil_held_messages', help: 'inputs waiting for event time to cover them', registers: [registry], collect() { this.set(src.heldMessages()); } });
  new Gauge({ name: 'vigil_agent_info', help: 'always 1; the version label says which vigil runs', labelNames: ['version'], registers: [registry] }).set({ version: VERSION }, 1);
  const observer: BusObserver = {
    received: (subject) => received.inc({ subject }),
    handled: (subject, seconds) => handler.observe({ subject }, seconds),
    sent: (subject, payload) => {
      sent.inc({ subject });
      const type = (payload as { type?: unknown }).type;
      if ((subject === 'action' || subject === 'directive') && typeof type === 'string') decisions.inc({ decision: subject, type });
    },
  };
  return { registry, observer };
}

/**
 * Serves the registry on http://<host>:<port>/metrics (port 0: a free one, the default). Loopback
 * only by default: the agent's numbers are for the Prometheus of this machine.
 */
export async function serveAgentMetrics(src: MetricSources, opts: { host?: string; port?: number; log: Logger }): Promise<AgentMetrics> {
  const { registry, observer } = agentRegistry(src);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => { res.writeHead(200, { 'content-type': registry.contentType }).end(text); },
      (err) => {
        opts.log.warn({ err: errorMessage(err) }, 'metrics collection failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${errorMessage(err)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    observer, port, registry,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
