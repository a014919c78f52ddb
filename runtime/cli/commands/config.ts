import type { Command } from 'commander';
import { applyDeployment } from '../../../deploy/apply.js';
import { loadDeployFile, type LoadedDeployment } from '../../../deploy/load.js';
import { planDeployment } from '../../../deploy/plan.js';
import { savePlan } from '../../../deploy/apply.js';
import { cliEnv, output, withOperator } from '../context.js';

/** `vigil config check F` and `vigil config apply F`: the deployment file. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('the deployment file (targets, catalogue, actuators, channels, policy, retention)');
  config.command('check').argument('<file>', 'vigil.json or vigil.yaml')
    .description('validate a deployment file: exit 0 when valid, 2 with every problem and its path otherwise')
    .option('--json', 'print the validated configuration with its defaults as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const loaded = loadDeployFile(file, { strict: true });
      output(Boolean(opts.json), loaded.config, () => `${file}: valid\n${summary(loaded)}`);
    });
  config.command('apply').argument('<file>', 'vigil.json or vigil.yaml')
    .description('apply a deployment file to the running fleet: catalogue, agent configuration, policy, retention')
    .option('--json', 'print what was applied as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const env = cliEnv(cmd);
      const loaded = loadDeployFile(file);
      savePlan(env.home, planDeployment(loaded));
      const report = await withOperator(env, (nc) => applyDeployment(nc, loaded, { reconfigure: true }));
      output(Boolean(opts.json), report, () => [
        `${file}: applied to ${report.agents.join(', ')}; ${report.catalog} services in the catalogue`,
        ...report.retention.map((r) => `retention ${r}`),
        ...report.rejected.map((r) => `refused: ${r}`),
      ].join('\n'));
      if (report.rejected.length > 0) process.exitCode = 2;
    });
}

/** One line per section: what the file asks vigil to do. */
export function summary({ config, rejected }: LoadedDeployment): string {
  const receivers = Object.entries(config.receivers).filter(([, r]) => r).map(([k, r]) => `${k} ${(r as { host: string }).host}:${(r as { port: number }).port}`);
  return [
    `targets: ${config.targets.length} (${config.targets.map((t) => t.url).join(', ') || 'none'})`,
    `file_sd: ${config.fileSd.flatMap((f) => f.files).join(', ') || 'none'}`,
    `probes: ${config.probes.length}`,
    `receivers: ${receivers.join(', ') || 'none'}`,
    `services: ${config.services.map((s) => s.service).join(', ') || 'none'}`,
    `actuators: ${config.actuators.map((a) => `${a.name} (${a.type})`).join(', ') || 'none'}`,
    `channels: ${config.notifications?.channels.map((c) => `${c.name} (${c.type})`).join(', ') || 'none'}`,
    `policy: ${config.policy.dryRun ? 'dry run, ' : ''}${config.policy.triggers.length} trigger and ${config.policy.overrides.length} policy overrides`,
    ...rejected.map((r) => `refused: ${r}`),
  ].join('\n');
}
