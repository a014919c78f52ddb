import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { endpointSubject } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { ExtraEndpoint } from './define-agent.js';

const VERSION = '0.1.0';

/** One endpoint of an agent's service: answers JSON, errors become service errors. */
export interface EndpointSpec {
  subject: string;
  queue?: string;
  handle(request: unknown): Promise<unknown> | unknown;
}

/**
 * Registers the agent as a NATS service (the Services / "micro" protocol) named
 * `vigil-<kind>`, so `nats micro ls|info|stats` and `$SRV.PING` see it. Endpoints `state`,
 * `health`, `config` answer on vigil.svc.<kind>.<agentId>.<endpoint>; extra endpoints on the
 * subject they declare, in a queue group.
 */
export async function registerService(
  nc: NatsConnection,
  ident: { kind: string; agentId: string; tier: string },
  builtins: Record<'state' | 'health' | 'config', () => unknown>,
  extras: Record<string, ExtraEndpoint>,
  log: Logger,
  statsData: () => Record<string, unknown>,
): Promise<Service> {
  const service = await new Svcm(nc).add({
    name: `vigil-${ident.kind}`,
    version: VERSION,
    description: `vigil ${ident.tier} agent ${ident.kind} (${ident.agentId})`,
    metadata: { agentId: ident.agentId, kind: ident.kind, tier: ident.tier },
    queue: '',
    // @nats-io/services omits last_error until an error happens; the micro schema requires it.
    statsHandler: async (endpoint) => {
      const stats = (endpoint as unknown as { stats?: { last_error?: string } }).stats;
      if (stats && stats.last_error === undefined) stats.last_error = '';
      return statsData();
    },
  });
  const specs: Record<string, EndpointSpec> = {};
  for (const [name, fn] of Object.entries(builtins)) {
    specs[name] = { subject: endpointSubject(ident.kind, ident.agentId, name), handle: fn };
  }
  for (const [name, extra] of Object.entries(extras)) specs[name] = { ...extra, queue: `vigil-${ident.kind}` };
  for (const [name, spec] of Object.entries(specs)) {
    service.addEndpoint(name, {
      subject: spec.subject,
      queue: spec.queue ?? '',
      metadata: { description: `${name} of ${ident.agentId}` },
      handler: (err, msg) => {
        if (err) { log.error({ err: errorMessage(err), endpoint: name }, 'endpoint error'); return; }
        void answer(msg, spec, log);
      },
    });
  }
  return service;
}

async function answer(msg: ServiceMsg, spec: EndpointSpec, log: Logger): Promise<void> {
  try {
    const text = msg.data.length > 0 ? new TextDecoder().decode(msg.data) : '';
    const request = text.trim() === '' ? {} : JSON.parse(text);
    msg.respond(JSON.stringify(await spec.handle(request)));
  } catch (err) {
    log.warn({ err: errorMessage(err), subject: msg.subject }, 'endpoint request failed');
    msg.respondError(400, errorMessage(err), JSON.stringify({ error: errorMessage(err) }));
  }
}
