#!/usr/bin/env node
/**
 * `npm run bench [-- --json] [-- --sampling]`: samples per second through collector -> filter ->
 * detector -> aggregator (four agent processes over a real nats-server), one hop of raw NATS with
 * the very raw-batch payloads the collector sends, in the same run, their ratio, and each agent's
 * resident memory 1 s after start, at rest (the lowest reading over VIGIL_BENCH_IDLE_S, default 60 s, and the median of its second half)
 * and under the load. With --sampling the filter's adaptive sampling is on
 * and the share of samples it passed on is printed. Loopback only, bounded.
 */
import { endpointSubject } from '../contracts/index.js';
import type { Role } from '../supervisor/credentials.js';
import { BenchFleet } from './bench-fleet.js';
import { drivePipeline, rawHop } from './pipeline-run.js';
import { peakRssMb, restingRssMb, rssMb } from './proc-stats.js';
import { seriesOf, type Workload } from './workload.js';

const WORKLOAD: Workload = { services: 20, instances: 1 };
/**
 * Ticks measured: 10,000 (1 M samples, ~8 s). 3,000 lasted ~3 s, inside the optimising compiler's
 * and the heap's warm-up: 93,000-103,000 samples/s against 129,000-133,000 for 10,000 ticks in
 * interleaved runs on the same code (the raw hop's figure rose alike, the ratio did not move).
 */
const TICKS = Number(process.env.VIGIL_BENCH_TICKS ?? 10_000);
const PIPELINE: Role[] = ['collector', 'filter', 'detector', 'aggregator'];
/** Seconds the agents rest before their idle memory is read (V8 returns start-up garbage after some idle seconds). */
const IDLE_S = Number(process.env.VIGIL_BENCH_IDLE_S ?? 60);

const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const fleet = await BenchFleet.start();
  try {
    const sampling = process.argv.includes('--sampling');
    for (const kind of PIPELINE) fleet.spawnAgent(kind, undefined, kind === 'filter' && sampling ? { VIGIL_AGENT_CONFIG: JSON.stringify({ sampling: { enabled: true } }) } : {});
    const op = await fleet.connect('operator');
    await fleet.waitReady(op);
    await new Promise((r) => setTimeout(r, 1000));
    const startup = Object.fromEntries(fleet.processes().map((p) => [p.kind, rssMb(p.pid)]));
    const resting = await restingRssMb(fleet.processes().map((p) => p.pid), IDLE_S);
    const idle = Object.fromEntries(fleet.processes().map((p, i) => [p.kind, { lowest: resting.lowest[i], median: resting.median[i] }]));
    const piped = await drivePipeline(op, WORKLOAD, { ticks: TICKS, maxS: 60, inFlightSamples: 20_000, aggregators: 1, warmupTicks: 50 });
    const load = Object.fromEntries(fleet.processes().map((p) => [p.kind, peakRssMb(p.pid)]));
    const filterState = (await op.request(endpointSubject('filter', 'filter-1', 'state'), '', { timeout: 5000 })).json<{ sampling: { keptShare: number } }>();
    const op2 = await fleet.connect('operator');
    const raw = await rawHop(op, op2, WORKLOAD, piped.ticks * WORKLOAD.services);
    await op2.close();
    await op.close();
    const result = {
      series: seriesOf(WORKLOAD), services: WORKLOAD.services, ticks: piped.ticks, samplesPerTick: seriesOf(WORKLOAD),
      pipelineSamplesPerS: round(piped.samplesPerS),
      rawSamplesPerS: round(raw.samplesPerS),
      rawMsgsPerS: round(raw.msgsPerS),
      ratio: round(piped.samplesPerS / raw.samplesPerS, 3),
      rssMbByKind: Object.fromEntries(PIPELINE.map((k) => [k, { idle: round(idle[k].lowest, 1), idleMedian: round(idle[k].median, 1), startup: round(startup[k], 1), load: round(load[k], 1) }])),
      sampling, keptShare: round(filterState.sampling.keptShare, 3),
    };
    if (process.argv.includes('--json')) { process.stdout.write(`${JSON.stringify(result)}\n`); return; }
    process.stdout.write([
      `pipeline collector -> filter -> detector -> aggregator: ${result.pipelineSamplesPerS.toLocaleString('en')} samples/s (${result.series} series, ${result.ticks} ticks)`,
      `raw NATS, one hop of the same raw batches:              ${result.rawSamplesPerS.toLocaleString('en')} samples/s (${result.rawMsgsPerS.toLocaleString('en')} msgs/s)`,
      `ratio pipeline / raw NATS:                              ${result.ratio}`,
      `agent RSS, MB (1 s after start / at rest over ${IDLE_S} s, lowest and steady median / peak under load): ${PIPELINE.map((k) => `${k} ${result.rssMbByKind[k].startup} / ${result.rssMbByKind[k].idle} ${result.rssMbByKind[k].idleMedian} / ${result.rssMbByKind[k].load}`).join(', ')}`,
      `adaptive sampling in the filter:                        ${sampling ? `on, ${(100 * result.keptShare).toFixed(1)} % of the samples passed on to the detector` : 'off (--sampling turns it on)'}`,
    ].join('\n') + '\n');
  } finally {
    await fleet.stop();
  }
}

main().catch((err) => { process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); });
