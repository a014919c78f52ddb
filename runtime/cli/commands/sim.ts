import { readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { runOffline } from '../../../sim/baselines/run-offline.js';
import { registerSuite } from './sim-suite.js';
import { runThroughFleet } from '../../../sim/fleet-runner.js';
import { runLive } from '../../../sim/live-runner.js';
import { formatProgress, formatReport, type ScenarioReport } from '../../../sim/report.js';
import { scenariosDir } from '../../../sim/scenario-loader.js';
import { loadScenario } from '../../../sim/world.js';
import { errorMessage } from '../../errors.js';
import { cliEnv, output, withOperator } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { progressOnStderr } from '../progress.js';

function scenarioNames(): string[] {
  return readdirSync(scenariosDir()).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
}

/** A shipped scenario by name or a scenario file; an unknown name or a bad file is a usage error naming the known scenarios. */
function readScenario(name: string, seed: number | undefined): ReturnType<typeof loadScenario> {
  const byName = !name.includes('/') && !name.includes('\\') && !name.endsWith('.json');
  if (byName && !scenarioNames().includes(name)) {
    throw new UsageError(`unknown scenario '${name}'; known scenarios: ${scenarioNames().join(', ')} (or a path to a scenario file)`);
  }
  try {
    return loadScenario(name, { seed });
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

/** `vigil sim run <scenario>` and `vigil sim ls`. */
export function registerSim(program: Command): void {
  const sim = program.command('sim').description('play load scenarios through the running fleet and measure what it does');
  sim.command('ls').description('list the scenarios').option('--json', 'print a JSON array of names')
    .action((opts: { json?: boolean }) => {
      const names = scenarioNames();
      output(Boolean(opts.json), names, () => names.join('\n'));
    });
  sim.command('run').argument('<scenario>', 'a scenario name (vigil sim ls) or a path to a scenario file')
    .description('play a scenario through the running fleet and print what it detected, did and achieved')
    .option('--seed <n>', "override the scenario's seed")
    .option('--baseline', 'also run it with no automation, a Kubernetes HPA on CPU and an HPA on requests per instance, side by side')
    .option('--stall-timeout <ms>', 'fail when the fleet makes no progress for this long', '30000')
    .option('--tick-delay <ms>', 'wall time between ticks, to watch a run live', '0')
    .option('--max-replays <n>', 'times a run may be played again from its start after a fault (an agent restarted, nats-server lost); 0: a fault does not interrupt it', '3')
    .option('--pipeline <ticks>', "ticks the simulator may run ahead of the orchestrator (default: the scenario's, usually 1)")
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (name: string, opts: { seed?: string; baseline?: boolean; stallTimeout: string; tickDelay: string; maxReplays: string; pipeline?: string; json?: boolean; quiet?: boolean }, cmd: Command) => {
      const seed = opts.seed === undefined ? undefined : Number(opts.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed ${opts.seed}: must be an integer`);
      const scenario = readScenario(name, seed);
      if (scenario.live) {
        const live = await withOperator(cliEnv(cmd), (nc) => runLive(nc, scenario));
        output(Boolean(opts.json), live, () => [
          `live scenario ${live.scenario}: ${live.url} for ${live.load.durationS.toFixed(0)} s`,
          `load: ${live.load.sent} sent, ${live.load.ok} ok, ${live.load.failed} failed, p95 ${live.load.latencyMs.p95.toFixed(1)} ms`,
          `fleet: ${live.samplesCollected} samples scraped (${live.metricsSeen.join(', ')}), ${live.aggWindows} 1-minute windows, ${live.alerts} alerts`,
        ].join('\n'));
        return;
      }
      const progress = progressOnStderr({ quiet: opts.quiet });
      const fleet = await withOperator(cliEnv(cmd), (nc) => runThroughFleet(nc, scenario, {
        seed,
        stallTimeoutMs: Number(opts.stallTimeout),
        tickDelayMs: Number(opts.tickDelay),
        maxReplays: replaysOption(opts.maxReplays),
        pipeline: opts.pipeline === undefined ? undefined : Number(opts.pipeline),
        onInterrupt: (reason, atS) => { if (!opts.quiet) process.stderr.write(`\nrun interrupted at ${atS.toFixed(0)} s (${reason}): playing it again from the start once the fleet is back\n`); },
        onProgress: (world, wallSeconds) => {
          progress.update(formatProgress({ scenario: scenario.name, elapsedS: (world.now() - world.startTs) / 1000, totalS: scenario.durationS, wallSeconds, metrics: world.metrics() }));
        },
      }));
      progress.end(formatProgress({ scenario: scenario.name, elapsedS: scenario.durationS, totalS: scenario.durationS, wallSeconds: fleet.wallSeconds, metrics: fleet.world.metrics() }));
      const runs: ScenarioReport['runs'] = { vigil: fleet.report } as ScenarioReport['runs'];
      if (opts.baseline) {
        runs.none = runOffline(scenario, { seed, controller: 'none' }).report;
        runs.hpa = runOffline(scenario, { seed, controller: 'hpa' }).report;
        runs['hpa-rps'] = runOffline(scenario, { seed, controller: 'hpa-rps' }).report;
      }
      const report = {
        scenario: scenario.name, runId: fleet.runId, seed: fleet.world.seed, simulatedSeconds: scenario.durationS,
        wallSeconds: Math.round(fleet.wallSeconds * 100) / 100,
        ...fleet.report,
        alerts: fleet.alerts,
        impacts: fleet.impacts,
        actionLog: fleet.world.actionLog(),
        refusedActions: fleet.refusedActions,
        interrupted: fleet.interrupted,
        incidents: fleet.incidents.map((i) => ({ id: i.id, service: i.service, pattern: i.pattern, rootCause: i.rootCause.service, status: i.status })),
        runs,
      };
      output(Boolean(opts.json), report, () => formatReport(report as ScenarioReport));
    });
  registerSuite(sim);
}

/** --max-replays: a whole number from 0. */
function replaysOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-replays ${value}: must be a whole number (0 or more)`);
  return n;
}
