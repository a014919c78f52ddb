import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { agentDefinitions, agentKinds } from '../../../agents/registry.js';
import {
  ALL, DirectiveTypes, Token, check, describeProblems,
  type DirectiveRequest, type DirectiveTarget, type DirectiveType,
} from '../../contracts/index.js';
import { ConfigError, errorMessage } from '../../errors.js';
import { requestDirective } from '../../nats/directive-client.js';
import { cliEnv, output, table, withOperator } from '../context.js';
import { ExitCode } from '../exit-codes.js';

const TIERS = ['base', 'intermediate', 'top'];

/**
 * `vigil directive <type> --to <tier|kind|agent id> [--key value ...]`: asks the orchestrator to
 * fan a directive out; prints every acknowledgement and exits non-zero when an addressed
 * agent did not acknowledge, or rejected it.
 */
export function registerDirective(program: Command): void {
  program.command('directive')
    .argument('<type>', `one of ${DirectiveTypes.join(', ')}`)
    .description('publish a directive down the hierarchy (through the orchestrator) and show who acknowledged')
    .requiredOption('--to <target>', "'all', a tier (base, intermediate, top), a kind (detector) or an agent id (detector-1)")
    .option('--timeout <ms>', 'how long to wait for acknowledgements', '5000')
    .option('--json', 'print the report as JSON')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', '\nAny other --key value pair becomes a parameter (numbers are parsed), e.g.\n  vigil directive set-threshold --to detector --metric cpu --yellow 75 --red 92\n  vigil directive set-sensitivity --to detector --sensitivity 0.8')
    .action(async (type: string, opts: { to: string; timeout: string; json?: boolean }, cmd: Command) => {
      if (!DirectiveTypes.includes(type as DirectiveType)) throw new ConfigError(`unknown directive type '${type}' (known: ${DirectiveTypes.join(', ')})`);
      const request: DirectiveRequest = {
        directive: { directiveId: `d-${randomUUID()}`, type: type as DirectiveType, params: parseParams(cmd.args.slice(1)), issuedBy: 'operator', ts: Date.now() },
        to: parseTarget(opts.to),
        timeoutMs: Number(opts.timeout),
      };
      const report = await withOperator(cliEnv(cmd), (nc) => requestDirective(nc, request));
      output(Boolean(opts.json), report, () => [
        table(['AGENT', 'STATUS', 'DETAIL'], report.acks.map((a) => [a.agentId, a.status, a.detail ?? ''])),
        report.missing.length > 0 ? `\nno acknowledgement within ${opts.timeout} ms from: ${report.missing.join(', ')}` : '',
      ].join(''));
      if (report.missing.length > 0 || report.acks.some((a) => a.status === 'rejected')) process.exitCode = ExitCode.failed;
      if (report.addressed.length === 0) { process.stderr.write(`vigil: no live agent is addressed by --to ${opts.to} ('vigil ps' lists them)\n`); process.exitCode = ExitCode.usage; }
    });
}

/** Reads `--key value` pairs (and `--key=value`) into parameters; numeric strings become numbers. */
export function parseParams(args: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}': parameters are --key value`);
    let [key, value] = arg.slice(2).split(/=(.*)/s) as [string, string | undefined];
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`parameter --${key} needs a value`);
      i++;
    }
    params[key] = parseValue(value);
  }
  return params;
}

function parseValue(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (v.startsWith('{') || v.startsWith('[')) {
    try { return JSON.parse(v); } catch (err) { throw new ConfigError(`cannot parse JSON value '${v}': ${errorMessage(err)}`); }
  }
  return v;
}

/** 'all' | tier | kind | agent id -> the directive address. */
export function parseTarget(to: string): DirectiveTarget {
  if (to === ALL) return { tier: ALL, kind: ALL, agentId: ALL };
  if (TIERS.includes(to)) return { tier: to as DirectiveTarget['tier'], kind: ALL, agentId: ALL };
  const kind = agentKinds.find((k) => to === k || to.startsWith(`${k}-`));
  if (!kind) throw new ConfigError(`--to ${to}: not a tier (${TIERS.join(', ')}), a kind (${agentKinds.join(', ')}) or an agent id (<kind>-<n>)`);
  const tier = agentDefinitions.find((d) => d.kind === kind)!.tier;
  const result = check(Token, to);
  if (!result.ok) throw new ConfigError(describeProblems(`--to ${to}`, result.problems));
  return { tier, kind, agentId: to === kind ? ALL : to };
}
