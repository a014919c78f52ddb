import type { Command } from 'commander';
import { runOfflineFleet } from '../../../sim/offline-fleet.js';
import { runThroughFleet } from '../../../sim/fleet-runner.js';
import { Families, type Family } from '../../../sim/suite/families.js';
import { formatSuite } from '../../../sim/suite/format.js';
import { runSuite } from '../../../sim/suite/run-suite.js';
import { ConfigError } from '../../errors.js';
import { cliEnv, output, withOperator } from '../context.js';

interface SuiteOptions { families?: string; n: string; seed: string; offline?: boolean; sampling?: boolean; json?: boolean; stallTimeout: string }

/** Parses --families: a comma-separated subset of the known families. */
function parseFamilies(list: string | undefined): Family[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = names.filter((f) => !(Families as readonly string[]).includes(f));
  if (unknown.length > 0) throw new ConfigError(`--families: unknown ${unknown.join(', ')} (known: ${Families.join(', ')})`);
  return names as Family[];
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} ${value}: must be a whole number >= 0`);
  return n;
}

/** `vigil sim suite`: the random scenario suite against the baselines. */
export function registerSuite(sim: Command): void {
  sim.command('suite')
    .description('draw random scenarios per family, play each with vigil and the baselines (none, hpa, hpa-rps), print totals and a per-family table')
    .option('--families <list>', `comma-separated subset of: ${Families.join(', ')}`)
    .option('--n <count>', 'scenarios to draw (families in turn)', '60')
    .option('--seed <n>', 'suite seed: the same seed draws the same scenarios', '1')
    .option('--offline', "play vigil's brains in-process instead of through the running fleet (fast iteration; leaves out the orchestrator's monitoring directives)")
    .option('--sampling', "with --offline: the filter's adaptive sampling on (in the fleet: the filter's config sampling.enabled)")
    .option('--stall-timeout <ms>', 'fail when the fleet makes no progress for this long', '30000')
    .option('--json', 'print one JSON object')
    .action(async (opts: SuiteOptions, cmd: Command) => {
      if (opts.sampling && !opts.offline) throw new ConfigError("--sampling goes with --offline; in the fleet, set the filter's sampling.enabled (vigil config)");
      const settings = { seed: positiveInt('--seed', opts.seed), n: positiveInt('--n', opts.n), families: parseFamilies(opts.families) };
      const onCase = (c: { name: string; vigil: { sloViolationMinutes: number } }, i: number, n: number): void => {
        process.stderr.write(`vigil sim suite: ${i + 1}/${n} ${c.name}: vigil ${c.vigil.sloViolationMinutes} SLO min\n`);
      };
      const report = opts.offline
        ? await runSuite({ ...settings, mode: 'offline', onCase }, async (s) => runOfflineFleet(s, { sampling: opts.sampling }))
        : await withOperator(cliEnv(cmd), (nc) => runSuite({ ...settings, mode: 'fleet', onCase },
          (s) => runThroughFleet(nc, s, { stallTimeoutMs: Number(opts.stallTimeout) })));
      output(Boolean(opts.json), report, () => formatSuite(report));
    });
}
