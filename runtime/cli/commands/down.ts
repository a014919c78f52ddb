import type { Command } from 'commander';
import { loadCredentials } from '../../supervisor/credentials.js';
import { alive, readFleetFile, removeFleetFile } from '../../supervisor/fleet-file.js';
import { endProcesses, orphansOfFleetFile, orphansOfRegistry, type Orphan } from '../../supervisor/orphans.js';
import { connectNats, natsReachable } from '../../nats/connect.js';
import { errorMessage } from '../../errors.js';
import { cliEnv, output, type CliEnv } from '../context.js';

/**
 * `vigil down`: stop the fleet started by `vigil up` (agents drain, then nats-server if vigil
 * started it). When the supervisor is gone (kill -9) it ends what the fleet file still names;
 * when the fleet file is gone it finds the fleet's processes on this machine in the registry.
 */
export function registerDown(program: Command): void {
  program.command('down')
    .description('stop the fleet started by vigil up (also its processes left behind by a killed supervisor)')
    .option('--timeout <ms>', 'how long to wait for a clean stop', '20000')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { timeout: string; json?: boolean }, cmd: Command) => {
      const env = cliEnv(cmd);
      const fleet = readFleetFile(env.home);
      if (fleet && alive(fleet.supervisorPid)) {
        process.kill(fleet.supervisorPid, 'SIGTERM');
        const deadline = Date.now() + Number(opts.timeout);
        while (alive(fleet.supervisorPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        if (alive(fleet.supervisorPid)) throw new Error(`the supervisor (pid ${fleet.supervisorPid}) did not stop within ${opts.timeout} ms`);
        removeFleetFile(env.home);
        output(Boolean(opts.json), { stopped: true, supervisorPid: fleet.supervisorPid }, () => `fleet stopped (supervisor pid ${fleet.supervisorPid})`);
        return;
      }
      const orphans = fleet ? orphansOfFleetFile(fleet) : await registryOrphans(env);
      removeFleetFile(env.home);
      if (orphans.length === 0) {
        output(Boolean(opts.json), { stopped: false, reason: 'not running' }, () => `no fleet is running (state folder ${env.home})`);
        return;
      }
      await endProcesses(orphans, Number(opts.timeout) / 2);
      output(Boolean(opts.json), { stopped: true, ended: orphans }, () =>
        `ended ${orphans.length} process(es) left running: ${orphans.map((o) => `${o.what} (pid ${o.pid})`).join(', ')}`);
    });
}

/** The fleet's processes on this machine according to the registry, when NATS answers. */
export async function registryOrphans(env: CliEnv): Promise<Orphan[]> {
  if (!(await natsReachable(env.natsUrl))) return [];
  let creds;
  try {
    creds = loadCredentials(env.home);
  } catch (err) {
    process.stderr.write(`vigil: cannot read the registry (${errorMessage(err)})\n`);
    return [];
  }
  const nc = await connectNats({ url: env.natsUrl, user: 'operator', password: creds.operator }, 'vigil-down');
  try {
    return await orphansOfRegistry(nc);
  } finally {
    await nc.close();
  }
}
