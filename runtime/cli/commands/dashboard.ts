import type { Command } from 'commander';
import { startDashboard, type Dashboard } from '../../../web/server/dashboard.js';
import { ConfigError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { cliEnv, connectOperator, type CliEnv } from '../context.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Parses --port: an integer from 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port ${value}: must be an integer from 0 to 65535`);
  return port;
}

/**
 * Serves the live dashboard for the fleet at `env` until the process ends. Connects as the
 * operator (a read-only role is not defined yet: the server only subscribes and reads).
 */
export async function serveDashboard(env: CliEnv, opts: { host: string; port: number }): Promise<Dashboard> {
  if (!LOOPBACK.has(opts.host)) process.stderr.write(`vigil dashboard: warning: listening on ${opts.host} shows the fleet's data to the network, with no login\n`);
  const nc = await connectOperator(env);
  const log = createLogger({ component: 'dashboard' }, process.env.VIGIL_LOG_LEVEL ?? 'warn');
  const dashboard = await startDashboard(nc, { host: opts.host, port: opts.port, log });
  return { ...dashboard, stop: async () => { await dashboard.stop(); await nc.close(); } };
}

/** `vigil dashboard`: the live web dashboard on loopback. */
export function registerDashboard(program: Command): void {
  program.command('dashboard')
    .description('serve the live web dashboard (executive, operational, technical, incident views) on loopback')
    .option('--port <port>', 'TCP port (0: any free port)', '8090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--json', 'print {url} as JSON once listening')
    .action(async (opts: { port: string; host: string; json?: boolean }, cmd: Command) => {
      const dashboard = await serveDashboard(cliEnv(cmd), { host: opts.host, port: parsePort(opts.port) });
      process.stdout.write(opts.json ? `${JSON.stringify({ url: dashboard.url })}\n` : `dashboard at ${dashboard.url} (Ctrl-C stops it)\n`);
      const stop = async (): Promise<void> => { await dashboard.stop(); process.exit(0); };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await new Promise<never>(() => { /* serve until a signal */ });
    });
}
