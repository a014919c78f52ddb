import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { endpointSubject } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { VERSION } from '../version.js';
import type { ExtraEndpoint } from './define-agent.js';


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
  /** Errors answered per endpoint name (the request failed: bad JSON, a handler that threw). */
  const errors = new Map<string, { count: number; last: string }>();
  const service = await new Svcm(nc).add({
    name: `vigil-${ident.kind}`,
    version: VERSION,
    description: `vigil ${ident.tier} agent ${ident.kind} (${ident.agentId})`,
    metadata: { agentId: ident.agentId, kind: ident.kind, tier: ident.tier },
    queue: '',
    // @nats-io/services counts an error only when a handler throws synchronously, and ours answer
    // asynchronously: the errors we answered are written into its stats here, before it reports them.
    // It also omits last_error until an error happens; the micro schema requires it.
    statsHandler: async (endpoint) => {
      const ep = endpoint as unknown as { name?: string; stats?: { num_errors?: number; last_error?: string } };
      const ours = errors.get(ep.name ?? '');
      if (ep.stats && ours) { ep.stats.num_errors = ours.count; ep.stats.last_error = ours.last; }
      if (ep.stats && ep.stats.last_error === undefined) ep.stats.last_error = '';
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
        void answer(msg, spec, log).then((failure) => {
          if (failure === null) return;
          const tally = errors.get(name) ?? { count: 0, last: '' };
          errors.set(name, { count: tally.count + 1, last: failure });
        });
      },
    });
  }
  return service;
}

/** Answers one request; resolves with the error message when it failed (answered as a service error), else null. */
async function answer(msg: ServiceMsg, spec: EndpointSpec, log: Logger): Promise<string | null> {
  try {
    const text = msg.data.length > 0 ? new TextDecoder().decode(msg.data) : '';
    const request = text.trim() === '' ? {} : JSON.parse(text);
    msg.respond(JSON.stringify(await spec.handle(request)));
    return null;
  } catch (err) {
    log.warn({ err: errorMessage(err), subject: msg.subject }, 'endpoint request failed');
    msg.respondError(400, errorMessage(err), JSON.stringify({ error: errorMessage(err) }));
    return errorMessage(err);
  }
}
