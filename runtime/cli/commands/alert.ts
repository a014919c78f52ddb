import type { Command } from 'commander';
import type { NatsConnection } from '@nats-io/transport-node';
import { AlertReply, AlertStatus, alertsEndpoint, check, type AlertRecord, type AlertRequest } from '../../contracts/index.js';
import { errorMessage } from '../../errors.js';
import { readRegistry } from '../../nats/registry.js';
import { cliEnv, output, table, withOperator } from '../context.js';
import { UsageError } from '../exit-codes.js';

/** Asks every live aggregator (each owns the alerts it received) and returns their replies. */
async function askAggregators(nc: NatsConnection, request: AlertRequest): Promise<AlertReply[]> {
  const aggregators = (await readRegistry(nc)).filter((r) => r.kind === 'aggregator' && r.status !== 'down');
  if (aggregators.length === 0) throw new Error("no live aggregator holds the alerts: 'vigil ps' shows the fleet");
  return Promise.all(aggregators.map(async (a) => {
    let reply;
    try {
      reply = await nc.request(alertsEndpoint(a.agentId), JSON.stringify(request), { timeout: 5000 });
    } catch (err) {
      throw new Error(`${a.agentId} did not answer: ${errorMessage(err)}`);
    }
    const body: unknown = reply.json();
    if (reply.headers?.get('Nats-Service-Error-Code')) throw new Error(`${a.agentId} refused: ${(body as { error?: string }).error ?? reply.headers.get('Nats-Service-Error')}`);
    const checked = check(AlertReply, body);
    if (!checked.ok) throw new Error(`${a.agentId} answered something that is not an alert reply`);
    return checked.value;
  }));
}

/** One change asked of the aggregators: the one that knows the id answers; unknown everywhere is exit 2. */
async function change(cmd: Command, request: AlertRequest): Promise<AlertReply> {
  const replies = await withOperator(cliEnv(cmd), (nc) => askAggregators(nc, request));
  const done = replies.find((r) => !r.error);
  if (done) return done;
  const refused = replies.find((r) => r.error?.code === 'refused');
  if (refused) throw new Error(refused.error!.message);
  throw new UsageError(`${replies[0].error?.message ?? 'unknown id'} ('vigil alert ls' lists them)`);
}

const time = (ts: number): string => new Date(ts).toISOString().replace('.000Z', 'Z');

/** The `vigil alert ls` table. */
export function formatAlerts(alerts: AlertRecord[]): string {
  if (alerts.length === 0) return 'no alert';
  return table(['ID', 'SERVICE', 'METRIC', 'LEVEL', 'STATUS', 'COUNT', 'INCIDENT', 'LAST SEEN', 'NOTE'], alerts.map((a) => [
    a.id, a.service, a.metric, a.level, a.status, a.count, a.incidentId ?? '', time(a.lastSeen), a.note ?? '',
  ]));
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `vigil alert ls|ack|resolve|close|false-positive|silence`: the alert lifecycle of seed 002 §3.1. */
export function registerAlert(program: Command): void {
  const alert = program.command('alert').description('alerts through their lifecycle: active, acknowledged, resolved, closed, false_positive, suppressed, correlated');
  alert.command('ls').description('list the alerts (closed ones with --all) and the silences in force')
    .option('--all', 'closed alerts too').option('--status <status>', 'only alerts in this state').option('--json', 'print {alerts, silences}')
    .action(async (opts: { all?: boolean; status?: string; json?: boolean }, cmd: Command) => {
      if (opts.status && !check(AlertStatus, opts.status).ok) throw new UsageError(`--status ${opts.status}: one of active, acknowledged, resolved, closed, false_positive, suppressed, correlated`);
      const replies = await withOperator(cliEnv(cmd), (nc) => askAggregators(nc, { op: 'ls', all: Boolean(opts.all) || opts.status === 'closed' }));
      const alerts = replies.flatMap((r) => r.alerts).filter((a) => !opts.status || a.status === opts.status).sort((a, b) => b.lastSeen - a.lastSeen);
      const silences = replies.flatMap((r) => r.silences);
      output(Boolean(opts.json), { alerts, silences }, () => [
        formatAlerts(alerts),
        ...silences.map((s) => `silence ${s.id}: ${s.services.join(',')}${s.metrics ? ` (${s.metrics.join(',')})` : ''} until ${s.incidentId} resolves`),
      ].join('\n'));
    });
  const ops = [
    ['ack', 'acknowledge: someone is on it (active or correlated alerts)'],
    ['resolve', 'resolve by hand (a detector clear resolves by itself); it closes after alertCloseAfterS'],
    ['close', 'close a resolved or false-positive alert now'],
    ['false-positive', 'mark a false positive: the analyst counts it toward raising the threshold of the series'],
  ] as const;
  for (const [op, description] of ops) {
    alert.command(op).argument('<id>', 'alert id (vigil alert ls)').description(description)
      .option('--note <text>', 'why (kept with the alert)').option('--by <name>', 'who (default $USER)').option('--json', 'print the alert as JSON')
      .action(async (id: string, opts: { note?: string; by?: string; json?: boolean }, cmd: Command) => {
        const reply = await change(cmd, { op, id, by: opts.by ?? process.env.USER ?? 'operator', ...(opts.note ? { note: opts.note } : {}) });
        const a = reply.alerts[0];
        output(Boolean(opts.json), a, () => `${a.id}: ${a.status}`);
      });
  }
  alert.command('silence').argument('<incident>', 'incident id (vigil incident ls): the silence ends when it resolves')
    .description("suppress the alerts of an incident's services until the incident resolves")
    .option('--service <name>', 'only this service (repeatable; default: every service of the incident)', collect)
    .option('--metric <name>', 'only this metric (repeatable)', collect)
    .option('--json', 'print the silence as JSON')
    .action(async (incidentId: string, opts: { service?: string[]; metric?: string[]; json?: boolean }, cmd: Command) => {
      const reply = await change(cmd, { op: 'silence', incidentId, ...(opts.service ? { services: opts.service } : {}), ...(opts.metric ? { metrics: opts.metric } : {}) });
      const s = reply.silences[0];
      output(Boolean(opts.json), s, () => `${s.id}: ${s.services.join(',')} silenced until ${s.incidentId} resolves`);
    });
}
