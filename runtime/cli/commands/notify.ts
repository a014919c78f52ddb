import type { Command } from 'commander';
import { parseNotificationsConfig, type NotificationsConfig } from '../../../notifications/config.js';
import { startNotifier } from '../../../notifications/host.js';
import type { Notice } from '../../../notifications/notice.js';
import { ConfigError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { readConfigSection } from '../config-section.js';
import { cliEnv, connectOperator, output, table } from '../context.js';

function configOf(file: string): NotificationsConfig {
  const section = readConfigSection(file, 'notifications');
  if (section === undefined) throw new ConfigError(`${file}: no 'notifications' section`);
  return parseNotificationsConfig(section, `${file}: notifications`);
}

/** `vigil notify run|check|test --config F`: escalations, resolutions and approvals sent to Slack, PagerDuty, webhooks. */
export function registerNotify(program: Command): void {
  const cmd = program.command('notify').description('send escalations, resolutions and pending approvals to Slack, PagerDuty and webhooks');
  cmd.command('check').requiredOption('--config <file>', 'configuration file with a `notifications` section')
    .description('validate the notifications section and list the channels')
    .option('--json', 'print the validated section as JSON')
    .action((opts: { config: string; json?: boolean }) => {
      const c = configOf(opts.config);
      output(Boolean(opts.json), c, () => table(['CHANNEL', 'TYPE', 'LEVELS', 'APPROVALS'],
        c.channels.map((ch) => [ch.name, ch.type, ch.levels?.join(',') ?? '(escalation table)', ch.approvals ? 'yes' : 'no'])));
    });
  cmd.command('test').requiredOption('--config <file>', 'configuration file with a `notifications` section')
    .description('send one test notice to every channel (or --channel) and print each delivery; exit 1 if one failed')
    .option('--channel <name>', 'only this channel')
    .option('--json', 'print the deliveries as JSON')
    .action(async (opts: { config: string; channel?: string; json?: boolean }) => {
      const c = configOf(opts.config);
      const channels = c.channels.filter((ch) => !opts.channel || ch.name === opts.channel);
      if (channels.length === 0) throw new ConfigError(`--channel ${opts.channel}: no such channel (known: ${c.channels.map((ch) => ch.name).join(', ')})`);
      const notifier = await startNotifier(null, c, createLogger({ component: 'notify' }, 'silent'));
      const notice: Notice = { kind: 'escalated', key: `test-${Date.now()}`, level: 'N1', severity: 'info', summary: '[vigil] test notification: this channel works', detail: {}, ts: Date.now() };
      const sent = await notifier.send(notice, channels);
      output(Boolean(opts.json), sent, () => table(['CHANNEL', 'OK', 'ATTEMPTS', 'STATUS', 'ERROR'],
        sent.map((s) => [s.channel, s.delivery.ok ? 'yes' : 'no', s.delivery.attempts, s.delivery.status ?? '-', s.delivery.error ?? ''])));
      if (sent.some((s) => !s.delivery.ok)) process.exitCode = 1;
    });
  cmd.command('run').requiredOption('--config <file>', 'configuration file with a `notifications` section')
    .description('follow the audit trail and notify each channel; runs until SIGTERM')
    .action(async (opts: { config: string }, c: Command) => {
      const config = configOf(opts.config);
      const log = createLogger({ component: 'notifier' }, process.env.VIGIL_LOG_LEVEL ?? 'info');
      const nc = await connectOperator(cliEnv(c));
      const notifier = await startNotifier(nc, config, log);
      await nc.flush();
      process.stdout.write(`notifier ready: ${config.channels.map((ch) => ch.name).join(', ')}\n`);
      await new Promise<void>((done) => { process.once('SIGTERM', done); process.once('SIGINT', done); });
      await notifier.stop();
      await nc.drain();
    });
}
