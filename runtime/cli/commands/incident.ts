import type { Command } from 'commander';
import { Streams, Subjects } from '../../contracts/index.js';
import { errorMessage } from '../../errors.js';
import { leaderEndpoint } from '../../nats/leader.js';
import { readStream } from '../../nats/stream-read.js';
import { cliEnv, output, table, withOperator } from '../context.js';
import { UsageError } from '../exit-codes.js';

/** An incident as the orchestrator's `incidents` endpoint lists it (IncidentView); the priority is the strategist's, in `impact`. */
export interface IncidentRow { id: string; service?: string; status?: string; level?: string; pattern?: string; openedAt?: number; impact?: { priority?: string; [k: string]: unknown } | null; [k: string]: unknown }

async function askIncidents(cmd: Command, request: Record<string, unknown>): Promise<unknown> {
  return withOperator(cliEnv(cmd), async (nc) => {
    const subject = await leaderEndpoint(nc, 'incidents');
    let reply;
    try {
      reply = await nc.request(subject, JSON.stringify(request), { timeout: 5000 });
    } catch (err) {
      throw new Error(`the orchestrator did not answer: ${errorMessage(err)}`);
    }
    const body = reply.json<{ error?: string }>();
    // A service error (standby orchestrator, bad request) is a failed operation; a plain
    // {error} answer means the orchestrator knows no such incident.
    if (reply.headers?.get('Nats-Service-Error-Code')) throw new Error(`the orchestrator refused: ${body.error ?? reply.headers.get('Nats-Service-Error')}`);
    if (body && typeof body === 'object' && typeof body.error === 'string') throw new UsageError(`${body.error} ('vigil incident ls' lists them)`);
    return body;
  });
}

/** The `vigil incident ls` table. */
export function formatIncidents(rows: IncidentRow[]): string {
  return rows.length === 0 ? 'no incident' : table(
    ['ID', 'SERVICE', 'STATUS', 'LEVEL', 'PRIORITY', 'PATTERN'],
    rows.map((r) => [r.id, r.service ?? '', r.status ?? '', r.level ?? '', r.impact?.priority ?? '', r.pattern ?? '']),
  );
}

/** `vigil incident ls|ack|resolve`: the incidents the orchestrator's escalation runs hold. */
export function registerIncident(program: Command): void {
  const incident = program.command('incident').description('list, acknowledge and resolve incidents (escalation N0-N4)');
  incident.command('ls').description('list incidents with their escalation level').option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = (await askIncidents(cmd, { op: 'ls' })) as IncidentRow[];
      output(Boolean(opts.json), rows, () => formatIncidents(rows));
    });
  for (const op of ['ack', 'resolve'] as const) {
    incident.command(op).argument('<id>', 'incident id (vigil incident ls)')
      .description(op === 'ack' ? 'acknowledge: stops the escalation timers' : 'resolve: ends escalation and the incident silences')
      .option('--json', 'print the incident as JSON')
      .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const row = (await askIncidents(cmd, { op, id })) as IncidentRow;
        output(Boolean(opts.json), row, () => `${id}: ${row.status ?? op}`);
      });
  }
}

/** `vigil audit <incident or run id>`: the timeline of every policy transition kept by the audit stream. */
export function registerAudit(program: Command): void {
  program.command('audit').argument('<id>', 'an incident id or a policy run id')
    .description('print the audit trail (every machine transition) of an incident or run')
    .option('--json', 'print a JSON array of audit events')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const events = await withOperator(cliEnv(cmd), (nc) => readStream(nc, Streams.audit.name, Subjects.audit.filter));
      const mine = events.map((e) => e.data as Record<string, unknown>).filter((e) => e.incidentId === id || e.runId === id);
      if (mine.length === 0) throw new UsageError(`no audit event for '${id}': not an incident or policy run id ('vigil incident ls' lists incidents)`);
      output(Boolean(opts.json), mine, () => table(
        ['T', 'RUN', 'MACHINE', 'FROM', 'TO', 'EVENT'],
        mine.map((e) => [new Date(Number(e.ts)).toISOString(), String(e.runId), String(e.machine), String(e.from), String(e.to), String(e.event)]),
      ));
    });
}
