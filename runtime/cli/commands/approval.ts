import type { Command } from 'commander';
import { errorMessage } from '../../errors.js';
import { leaderEndpoint } from '../../nats/leader.js';
import { cliEnv, output, table, withOperator } from '../context.js';
import { UsageError } from '../exit-codes.js';

interface ApprovalRow { id: string; service: string; type: string; reason: string; secondsLeft: number; deadline: string; status?: string; error?: string }

async function askApprovals(cmd: Command, request: Record<string, unknown>): Promise<unknown> {
  return withOperator(cliEnv(cmd), async (nc) => {
    const subject = await leaderEndpoint(nc, 'approvals');
    try {
      return (await nc.request(subject, JSON.stringify(request), { timeout: 5000 })).json<unknown>();
    } catch (err) {
      throw new Error(`the orchestrator did not answer: ${errorMessage(err)}`);
    }
  });
}

/** `vigil approvals`, `vigil approve <id>`, `vigil deny <id>`: actions a policy reserves to humans. */
export function registerApproval(program: Command): void {
  program.command('approvals').description('list the actions waiting for a human (approval gates)').option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = (await askApprovals(cmd, { op: 'ls' })) as ApprovalRow[];
      output(Boolean(opts.json), rows, () => rows.length === 0 ? 'no action waits for approval' : table(
        ['ID', 'SERVICE', 'ACTION', 'LEFT', 'REASON'],
        rows.map((r) => [r.id, r.service, r.type, `${r.secondsLeft}s`, r.reason]),
      ));
    });
  const decide = (op: 'approve' | 'deny', help: string): void => {
    const c = program.command(op).argument('<id>', 'the action id (vigil approvals)').description(help)
      .option('--by <name>', 'who decides (recorded in the audit trail)', process.env.USER ?? 'operator')
      .option('--json', 'print the decision as JSON');
    if (op === 'deny') c.option('--reason <text>', 'why (recorded in the audit trail)');
    c.action(async (id: string, opts: { by: string; reason?: string; json?: boolean }, cmd: Command) => {
      const row = (await askApprovals(cmd, { op, id, by: opts.by, ...(opts.reason ? { reason: opts.reason } : {}) })) as ApprovalRow;
      if (row.error) throw new UsageError(row.error); // the orchestrator knows no waiting action by that id: exit 2
      output(Boolean(opts.json), row, () => `${id} (${row.type} on ${row.service}): ${row.status ?? op} by ${opts.by}`);
    });
  };
  decide('approve', 'approve a waiting action: it is applied now');
  decide('deny', 'deny a waiting action: it is not applied and its run hears a failure');
}
