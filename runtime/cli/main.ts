#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, errorMessage } from '../errors.js';
import { VERSION } from '../version.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { registerDirective } from './commands/directive.js';
import { registerDown } from './commands/down.js';
import { registerInspect } from './commands/inspect.js';
import { registerPs } from './commands/ps.js';
import { registerUp } from './commands/up.js';
import { registerNabCommand } from './commands/nab.js';
import { registerSim } from './commands/sim.js';
import { registerAgents } from './commands/agents.js';
import { registerAudit, registerIncident } from './commands/incident.js';
import { registerActuator } from './commands/actuator.js';
import { registerNotify } from './commands/notify.js';
import { registerApproval } from './commands/approval.js';
import { registerNatsConf } from './commands/nats-conf.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerReport } from './commands/report.js';
import { registerAlert } from './commands/alert.js';
import { registerDemo } from './commands/demo.js';
import { registerConfig } from './commands/config.js';

const program = new Command('vigil')
  .description('vigil: a hierarchical multi-agent monitoring runtime over NATS')
  .option('--nats-url <url>', 'NATS server URL (env VIGIL_NATS_URL; default nats://127.0.0.1:4222)')
  .option('--home <dir>', 'state folder: credentials, logs, JetStream store (env VIGIL_HOME; default ./.vigil)')
  .version(VERSION, '-V, --version', 'print the vigil version')
  .showHelpAfterError()
  .exitOverride();

registerUp(program);
registerDown(program);
registerPs(program);
registerInspect(program);
registerDirective(program);
registerAgents(program);
registerSim(program);
registerNabCommand(program);
registerIncident(program);
registerAudit(program);
registerActuator(program);
registerNotify(program);
registerApproval(program);
registerNatsConf(program);
registerDashboard(program);
registerReport(program);
registerAlert(program);
registerDemo(program);
registerConfig(program);

program.parseAsync(process.argv).then(
  () => { process.exit(process.exitCode ?? ExitCode.ok); },
  (err: unknown) => {
    // Commander already printed its message: help and --version exit 0, any other parse error is usage.
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    process.stderr.write(`vigil: ${errorMessage(err)}\n`);
    process.exit(err instanceof UsageError || err instanceof ConfigError ? ExitCode.usage : ExitCode.failed);
  },
);
