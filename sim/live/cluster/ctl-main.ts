#!/usr/bin/env node
/**
 * The demo cluster's control command, what the exec actuator runs:
 *   node dist/sim/live/cluster/ctl-main.js --dir DIR <command>
 *     init VERSIONS_JSON VERSION MAX   state   scale N   restart   deploy VERSION|stable   down
 * Prints the cluster's state as one JSON line ({"instances", "version", "versionNumber"});
 * exits 1 with the reason on stderr when a command fails, 64 on a usage error.
 */
import { Cluster, type VersionSpec } from './instances.js';

const USAGE = 'usage: ctl-main --dir DIR init VERSIONS_JSON VERSION MAX | state | scale N | restart | deploy VERSION | down';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] !== '--dir' || !args[1] || !args[2]) { process.stderr.write(`${USAGE}\n`); process.exit(64); }
  const cluster = new Cluster(args[1]);
  const [cmd, a, b, c] = args.slice(2);
  let state;
  if (cmd === 'init') state = cluster.init(JSON.parse(a) as Record<string, VersionSpec>, b, Number(c));
  else if (cmd === 'state') state = cluster.read();
  else if (cmd === 'scale') state = await cluster.scale(Number(a));
  else if (cmd === 'restart') state = await cluster.restart();
  else if (cmd === 'deploy') state = await cluster.deploy(a);
  else if (cmd === 'down') state = cluster.down();
  else { process.stderr.write(`ctl: unknown command '${cmd}'\n${USAGE}\n`); process.exit(64); }
  process.stdout.write(`${JSON.stringify(cluster.summary(state))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`ctl: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
