import type { NatsConnection } from '@nats-io/transport-node';
import { ALL, Subjects, check, type DirectiveAck, type DirectiveReport, type DirectiveRequest } from '../../../runtime/contracts/index.js';
import type { AgentBus } from '../../../runtime/host/bus.js';
import { readRegistry } from '../../../runtime/nats/registry.js';

/**
 * Fans a directive out to the live agents its target addresses and gathers their
 * acknowledgements until all answered or the timeout passed (DESIGN §4: an operator's
 * directive is a request to the orchestrator). The directive and the acks are kept by the
 * VIGIL_CONTROL stream: the audit trail of every directive.
 */
export async function fanOutDirective(nc: NatsConnection, bus: AgentBus, request: DirectiveRequest): Promise<DirectiveReport> {
  const { directive, to, timeoutMs } = request;
  const rows = (await readRegistry(nc))
    .filter((r) => r.status !== 'down')
    .filter((r) => (to.tier === ALL || r.tier === to.tier) && (to.kind === ALL || r.kind === to.kind) && (to.agentId === ALL || r.agentId === to.agentId));
  const addressed = rows.map((r) => r.agentId);
  const kindOf = new Map(rows.map((r) => [r.agentId, r.kind]));
  const acks = new Map<string, DirectiveAck>();
  const sub = nc.subscribe(Subjects.ack.match(directive.directiveId));
  const done = (async () => {
    for await (const msg of sub) {
      // An unreadable ack, or one naming an agent that was not addressed or is not of the kind
      // its subject names (nats.conf lets a role publish only its own kind's acks), is ignored:
      // it must neither end the gathering nor count as another agent's answer.
      let body: unknown;
      try { body = msg.json(); } catch { continue; }
      const result = check(Subjects.ack.schema, body);
      const kind = Subjects.ack.parse(msg.subject)?.kind;
      if (result.ok && kind === result.value.kind && kindOf.get(result.value.agentId) === kind) acks.set(result.value.agentId, result.value);
      if (addressed.every((id) => acks.has(id))) break;
    }
  })();
  bus.publish(Subjects.directive, [to.tier, to.kind, to.agentId], directive);
  if (addressed.length > 0) {
    await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  }
  sub.unsubscribe();
  return {
    directiveId: directive.directiveId,
    addressed,
    acks: [...acks.values()],
    missing: addressed.filter((id) => !acks.has(id)),
  };
}
