import type { Command } from 'commander';
import { runLiveDemo, type LiveDemoReport } from '../../../sim/live/cluster/demo.js';
import { LOAD_LIMITS } from '../../../sim/live/load.js';
import { ConfigError } from '../../errors.js';
import { cliEnv, output, withOperator } from '../context.js';

function intOption(name: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(`--${name} ${raw}: must be an integer ${min}-${max}`);
  return v;
}

const fig = (x: number | null, unit = 's'): string => (x === null ? 'never' : `${x} ${unit}`);

function human(r: LiveDemoReport): string {
  const f = r.figures;
  return [
    `live demo: ${r.instances} billable-API processes behind ${r.balancer}; bad release ${r.badVersion} after the warm-up`,
    `detected ${fig(f.timeToDetectS)}, incident ${fig(f.timeToIncidentS)}, rolled back ${fig(f.timeToActS)}, recovered ${fig(f.timeToRecoverS)} after the release`,
    `error rate seen by callers: ${f.errorRateBeforePct} % before, ${f.errorRatePeakPct} % at worst, ${f.errorRateAfterPct ?? '-'} % after`,
    `load: ${r.load.sent} sent, ${r.load.ok} ok, ${r.load.failed} failed, p95 ${r.load.latencyMs.p95.toFixed(1)} ms`,
    ...r.actions.map((a) => `action ${a.type}: ${a.status} (${a.detail})`),
    r.recovered ? 'recovered' : 'NOT recovered within the time limit',
  ].join('\n');
}

/** `vigil demo live`: detection, action and recovery on real processes (needs `vigil up`). */
export function registerDemo(program: Command): void {
  const demo = program.command('demo').description('demonstrations on real processes');
  demo.command('live')
    .description('the billable API as real processes behind a load balancer, a bad release, and vigil rolling it back through the exec actuator')
    .option('--rps <n>', 'loopback load on /pay, requests per second', '30')
    .option('--instances <n>', 'billable-API processes behind the balancer', '2')
    .option('--warmup <s>', 'seconds of healthy traffic before the bad release', '75')
    .option('--max <s>', 'the demo stops after this many seconds, recovered or not', '420')
    .option('--json', 'print the report as one JSON object')
    .action(async (opts: { rps: string; instances: string; warmup: string; max: string; json?: boolean }, cmd: Command) => {
      const env = cliEnv(cmd);
      const o = {
        home: env.home, natsUrl: env.natsUrl,
        rps: intOption('rps', opts.rps, 1, Math.min(200, LOAD_LIMITS.maxRps)), instances: intOption('instances', opts.instances, 1, 6),
        warmupS: intOption('warmup', opts.warmup, 10, 300), maxS: intOption('max', opts.max, 60, LOAD_LIMITS.maxDurationS),
        progress: (l: string) => { if (!opts.json) process.stderr.write(`${l}\n`); },
      };
      const report = await withOperator(env, (nc) => runLiveDemo(nc, o));
      output(Boolean(opts.json), report, () => human(report));
      if (!report.recovered) process.exitCode = 1;
    });
}
