import type { Command } from 'commander';
import { alive, readFleetFile, removeFleetFile } from '../../supervisor/fleet-file.js';
import { cliEnv, output } from '../context.js';

/** `vigil down`: stop the fleet started by `vigil up` (agents drain, then nats-server if vigil started it). */
export function registerDown(program: Command): void {
  program.command('down')
    .description('stop the fleet started by vigil up')
    .option('--timeout <ms>', 'how long to wait for a clean stop', '20000')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { timeout: string; json?: boolean }, cmd: Command) => {
      const env = cliEnv(cmd);
      const fleet = readFleetFile(env.home);
      if (!fleet || !alive(fleet.supervisorPid)) {
        removeFleetFile(env.home);
        output(Boolean(opts.json), { stopped: false, reason: 'not running' }, () => `no fleet is running (state folder ${env.home})`);
        return;
      }
      process.kill(fleet.supervisorPid, 'SIGTERM');
      const deadline = Date.now() + Number(opts.timeout);
      while (alive(fleet.supervisorPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive(fleet.supervisorPid)) throw new Error(`the supervisor (pid ${fleet.supervisorPid}) did not stop within ${opts.timeout} ms`);
      removeFleetFile(env.home);
      output(Boolean(opts.json), { stopped: true, supervisorPid: fleet.supervisorPid }, () => `fleet stopped (supervisor pid ${fleet.supervisorPid})`);
    });
}
