import type { NatsConnection } from '@nats-io/transport-node';
import { DirectiveReport, check, type DirectiveRequest, type DirectiveTarget, type DirectiveType } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import { leaderEndpoint } from './leader.js';

/**
 * Asks the leading orchestrator to fan a directive out (DESIGN §4) and returns the report of
 * who acknowledged. Throws when no orchestrator answers or the answer is not a report.
 */
export async function requestDirective(nc: NatsConnection, request: DirectiveRequest): Promise<DirectiveReport> {
  const subject = await leaderEndpoint(nc, 'directive');
  let body: unknown;
  try {
    body = (await nc.request(subject, JSON.stringify(request), { timeout: request.timeoutMs + 3000 })).json<unknown>();
  } catch (err) {
    throw new Error(`no answer from the orchestrator (${errorMessage(err)}): is the fleet up? 'vigil ps'`);
  }
  const result = check(DirectiveReport, body);
  if (!result.ok) throw new Error(`the orchestrator answered: ${JSON.stringify(body)}`);
  return result.value;
}

/** Like requestDirective, for programs: fails naming every agent that did not apply it. */
export async function applyDirective(nc: NatsConnection, type: DirectiveType, params: Record<string, unknown>, to: DirectiveTarget, issuedBy: string, directiveId: string): Promise<DirectiveReport> {
  const report = await requestDirective(nc, {
    directive: { directiveId, type, params, issuedBy, ts: Date.now() }, to, timeoutMs: 10_000,
  });
  const problems = [
    ...report.missing.map((id) => `${id} did not acknowledge`),
    ...report.acks.filter((a) => a.status === 'rejected').map((a) => `${a.agentId}: ${a.detail ?? 'rejected'}`),
  ];
  if (problems.length > 0) throw new Error(`${type} failed: ${problems.join('; ')}`);
  return report;
}
