#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, errorMessage } from '../errors.js';
import { VERSION } from '../version.js';
import { commandWord } from './command-word.js';
import { ExitCode, UsageError } from './exit-codes.js';

type Register = (program: Command) => void;

/**
 * Every top-level command and the module that registers it, loaded on demand: a CLI call loads
 * the one it runs (0.3-0.5 s of module loading instead of 0.7-0.9 s for all of them, on every
 * `vigil` call a script or a test makes); help, no command or an unknown one load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  up: async () => (await import('./commands/up.js')).registerUp,
  down: async () => (await import('./commands/down.js')).registerDown,
  ps: async () => (await import('./commands/ps.js')).registerPs,
  inspect: async () => (await import('./commands/inspect.js')).registerInspect,
  directive: async () => (await import('./commands/directive.js')).registerDirective,
  agents: async () => (await import('./commands/agents.js')).registerAgents,
  sim: async () => (await import('./commands/sim.js')).registerSim,
  nab: async () => (await import('./commands/nab.js')).registerNabCommand,
  incident: async () => (await import('./commands/incident.js')).registerIncident,
  audit: async () => (await import('./commands/incident.js')).registerAudit,
  actuator: async () => (await import('./commands/actuator.js')).registerActuator,
  notify: async () => (await import('./commands/notify.js')).registerNotify,
  approvals: async () => (await import('./commands/approval.js')).registerApproval,
  approve: async () => (await import('./commands/approval.js')).registerApproval,
  deny: async () => (await import('./commands/approval.js')).registerApproval,
  'nats-conf': async () => (await import('./commands/nats-conf.js')).registerNatsConf,
  dashboard: async () => (await import('./commands/dashboard.js')).registerDashboard,
  report: async () => (await import('./commands/report.js')).registerReport,
  alert: async () => (await import('./commands/alert.js')).registerAlert,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  config: async () => (await import('./commands/config.js')).registerConfig,
};

/** The register functions a call needs, in help order; each once (approvals, approve and deny share one). */
async function registersFor(word: string | null): Promise<Register[]> {
  const one = word !== null && Object.hasOwn(COMMANDS, word) ? COMMANDS[word] : null;
  const all = one ? [await one()] : await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return [...new Set(all)];
}

const program = new Command('vigil')
  .description('vigil: a hierarchical multi-agent monitoring runtime over NATS')
  .option('--nats-url <url>', 'NATS server URL (env VIGIL_NATS_URL; default nats://127.0.0.1:4222)')
  .option('--home <dir>', 'state folder: credentials, logs, JetStream store (env VIGIL_HOME; default ./.vigil)')
  .version(VERSION, '-V, --version', 'print the vigil version')
  .showHelpAfterError()
  .exitOverride();

for (const register of await registersFor(commandWord(process.argv.slice(2)))) register(program);

program.parseAsync(process.argv).then(
  () => { process.exit(process.exitCode ?? ExitCode.ok); },
  (err: unknown) => {
    // Commander already printed its message: help and --version exit 0, any other parse error is usage.
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    process.stderr.write(`vigil: ${errorMessage(err)}\n`);
    process.exit(err instanceof UsageError || err instanceof ConfigError ? ExitCode.usage : ExitCode.failed);
  },
);
