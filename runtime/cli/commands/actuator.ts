import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createRealActuator } from '../../../actuators/actuator.js';
import { parseActuatorsConfig } from '../../../actuators/config.js';
import { startActuatorHost } from '../../../actuators/host.js';
import { ConfigError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { readConfigSection } from '../config-section.js';
import { cliEnv, connectOperator, output } from '../context.js';

/** `vigil actuator run|check --config F`: the exec and webhook actuators for real systems. */
export function registerActuator(program: Command): void {
  const cmd = program.command('actuator').description('apply the orchestrator\'s actions to real systems (exec commands, webhooks)');
  cmd.command('check').requiredOption('--config <file>', 'configuration file with an `actuators` section')
    .description('validate the actuators section and print which actuator serves which services')
    .option('--json', 'print the validated section as JSON')
    .action((opts: { config: string; json?: boolean }) => {
      const list = parseActuatorsConfig(sectionOf(opts.config), `${opts.config}: actuators`);
      output(Boolean(opts.json), list, () => list.map((a) => `${a.name} (${a.type}): ${a.services.join(', ')}`
        + (a.type === 'exec' ? ` — ${Object.keys(a.commands).join(', ')}` : ` — ${a.url}`)).join('\n'));
    });
  cmd.command('run').requiredOption('--config <file>', 'configuration file with an `actuators` section')
    .description('take every action from the bus, apply it, answer its result; runs until SIGTERM')
    .option('--ledger <file>', 'where applied actions and the lease revision are kept (default <home>/actuator-ledger.jsonl)')
    .action(async (opts: { config: string; ledger?: string }, c: Command) => {
      const list = parseActuatorsConfig(sectionOf(opts.config), `${opts.config}: actuators`);
      const env = cliEnv(c);
      const log = createLogger({ component: 'actuator' }, process.env.VIGIL_LOG_LEVEL ?? 'info');
      const actuator = createRealActuator(list, { ledgerFile: resolve(opts.ledger ?? `${env.home}/actuator-ledger.jsonl`) });
      const nc = await connectOperator(env);
      const host = startActuatorHost(nc, actuator, log);
      await nc.flush(); // the subscription is in place before anyone is told we are ready
      log.info({ actuators: list.map((a) => a.name) }, 'actuator ready');
      process.stdout.write(`actuator ready: ${list.map((a) => a.name).join(', ')}\n`);
      await new Promise<void>((done) => { process.once('SIGTERM', done); process.once('SIGINT', done); });
      await host.stop();
      await nc.drain();
    });
}

function sectionOf(file: string): unknown {
  const section = readConfigSection(file, 'actuators');
  if (section === undefined) throw new ConfigError(`${file}: no 'actuators' section`);
  return section;
}
