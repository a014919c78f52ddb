#!/usr/bin/env node
/**
 * `npm run bench:series [-- --json]`: the pipeline (collector -> filter -> detector ->
 * aggregator) at 100, 1,000, 10,000 and 100,000 series, each on a fresh fleet: throughput, CPU
 * seconds per million samples and peak RSS per agent, detector memory growth per series (right
 * after the load, and at rest VIGIL_BENCH_REST_S seconds later, default 15); then
 * 10,000 series with two detector and two aggregator replicas (partitioned by service).
 * Bounded: each level publishes for at most VIGIL_BENCH_LEVEL_S seconds (default 20).
 */
import type { Role } from '../supervisor/credentials.js';
import { formatReplicas } from '../host/partition.js';
import { BenchFleet } from './bench-fleet.js';
import { drivePipeline } from './pipeline-run.js';
import { cpuSeconds, peakRssMb, restingRssMb, rssMb } from './proc-stats.js';
import { seriesOf, type Workload } from './workload.js';

const LEVEL_S = Number(process.env.VIGIL_BENCH_LEVEL_S ?? 20);
const LEVELS = (process.env.VIGIL_BENCH_SERIES ?? '100,1000,10000,100000').split(',').map(Number);
const PIPELINE: Role[] = ['collector', 'filter', 'detector', 'aggregator'];
/** Samples each level aims to push through (fewer when the time bound comes first). */
const SAMPLES_PER_LEVEL = 2_000_000;
/** Seconds the detector rests after the load before the memory it holds is read (the lowest RSS then). */
const REST_S = Number(process.env.VIGIL_BENCH_REST_S ?? 15);

interface LevelResult {
  series: number; replicas: number; samples: number; seconds: number; samplesPerS: number;
  cpuSPerMillion: Record<string, number>; peakRssMb: Record<string, number>;
  /** Detector RSS growth per series right after the load (garbage and batches in flight included) and at rest afterwards (what it holds). */
  detectorBytesPerSeries: number; detectorBytesPerSeriesAtRest: number;
  /** Detector RSS growth at rest, MB (for the marginal cost between two levels). */
  detectorGrowthMbAtRest: number;
}

const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function level(series: number, replicas: number): Promise<LevelResult> {
  const w: Workload = { services: 20, instances: series / (20 * 5) };
  if (!Number.isInteger(w.instances) || w.instances < 1) throw new Error(`series ${series}: must be a multiple of 100`);
  const fleet = await BenchFleet.start();
  try {
    const scaled = PIPELINE.map((kind) => ({ kind, count: kind === 'detector' || kind === 'aggregator' ? replicas : 1 }));
    const env = { VIGIL_REPLICAS: formatReplicas(scaled) };
    for (const { kind, count } of scaled) {
      for (let i = 1; i <= count; i++) fleet.spawnAgent(kind, `${kind}-${i}`, { ...env, VIGIL_PARTITION: count > 1 ? `${i - 1}/${count}` : '' });
    }
    const nc = await fleet.connect('operator');
    await fleet.waitReady(nc);
    const procs = [...fleet.processes(), { agentId: 'nats-server', kind: 'nats-server', pid: fleet.serverPid() }];
    const idleDetector = fleet.processes().filter((p) => p.kind === 'detector').reduce((n, p) => n + rssMb(p.pid), 0);
    const cpu0 = new Map(procs.map((p) => [p.agentId, cpuSeconds(p.pid)]));
    const ticks = Math.max(10, Math.ceil(SAMPLES_PER_LEVEL / series));
    const warmupTicks = Math.min(50, Math.max(2, Math.ceil(20_000 / series)));
    const run = await drivePipeline(nc, w, { ticks, maxS: LEVEL_S, inFlightSamples: Math.max(20_000, 2 * series), aggregators: replicas, warmupTicks });
    // CPU counts from before the warm-up: its samples count too.
    const handled = run.samples + warmupTicks * series;
    const byKind = (f: (pid: number, agentId: string) => number, combine: (a: number, b: number) => number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const p of procs) out[p.kind] = p.kind in out ? combine(out[p.kind], f(p.pid, p.agentId)) : f(p.pid, p.agentId);
      return out;
    };
    const cpu = byKind((pid, id) => cpuSeconds(pid) - cpu0.get(id)!, (a, b) => a + b);
    const detectors = fleet.processes().filter((p) => p.kind === 'detector').map((p) => p.pid);
    const detectorNow = detectors.reduce((n, pid) => n + rssMb(pid), 0);
    const detectorAtRest = (await restingRssMb(detectors, REST_S)).lowest.reduce((a, b) => a + b, 0);
    await nc.close();
    return {
      series, replicas, samples: run.samples, seconds: round(run.seconds, 1), samplesPerS: round(run.samplesPerS),
      cpuSPerMillion: Object.fromEntries(Object.entries(cpu).map(([k, s]) => [k, round((s / handled) * 1e6, 2)])),
      peakRssMb: Object.fromEntries(Object.entries(byKind(peakRssMb, Math.max)).filter(([k]) => k !== 'nats-server').map(([k, v]) => [k, round(v, 1)])),
      detectorBytesPerSeries: round(((detectorNow - idleDetector) * 1024 * 1024) / series),
      detectorBytesPerSeriesAtRest: round(((detectorAtRest - idleDetector) * 1024 * 1024) / series),
      detectorGrowthMbAtRest: round(detectorAtRest - idleDetector, 1),
    };
  } finally {
    await fleet.stop();
  }
}

async function main(): Promise<void> {
  const results: LevelResult[] = [];
  for (const series of LEVELS) results.push(await level(series, 1));
  results.push(await level(Number(process.env.VIGIL_BENCH_PARTITIONED_SERIES ?? 10_000), 2));
  const base = results.find((r) => r.series === LEVELS[0] && r.replicas === 1)!;
  const single = results.filter((r) => r.replicas === 1);
  const top = single.at(-1)!;
  const below = single.at(-2);
  const summary = {
    slowdownTopVsBase: round(base.samplesPerS / top.samplesPerS, 2),
    // What one more series costs: the growth between the two largest levels, free of what any load
    // adds whatever the series (the young generation's semi-spaces grow to their maximum, ~30 MB).
    detectorMarginalBytesPerSeries: below ? round(((top.detectorGrowthMbAtRest - below.detectorGrowthMbAtRest) * 1024 * 1024) / (top.series - below.series)) : null,
  };
  if (process.argv.includes('--json')) { process.stdout.write(`${JSON.stringify({ levels: results, ...summary })}\n`); return; }
  const lines = ['| series | replicas | samples/s | CPU s per 1M samples (collector / filter / detector / aggregator / nats-server) | peak RSS MB (c / f / d / a) | detector bytes per series, after the load / at rest |', '|---|---|---|---|---|---|'];
  for (const r of results) {
    const c = r.cpuSPerMillion;
    const m = r.peakRssMb;
    lines.push(`| ${r.series.toLocaleString('en')} | ${r.replicas} | ${r.samplesPerS.toLocaleString('en')} | ${c.collector} / ${c.filter} / ${c.detector} / ${c.aggregator} / ${c['nats-server']} | ${m.collector} / ${m.filter} / ${m.detector} / ${m.aggregator} | ${r.detectorBytesPerSeries} / ${r.detectorBytesPerSeriesAtRest} |`);
  }
  lines.push('', `throughput at ${top.series.toLocaleString('en')} series is 1/${summary.slowdownTopVsBase} of the ${base.series}-series figure`);
  if (below) lines.push(`detector memory per series between ${below.series.toLocaleString('en')} and ${top.series.toLocaleString('en')} series, at rest: ${summary.detectorMarginalBytesPerSeries} bytes`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => { process.stderr.write(`bench:series: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); });
