#!/usr/bin/env node
/**
 * `npm run bench`: samples per second through collector -> filter -> detector -> aggregator
 * (four agent processes over a real nats-server), raw NATS pub/sub throughput for the same
 * payloads on the same server in the same run, and their ratio. Loopback only, bounded.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, rawBatches, type Sample, type Watermark } from '../contracts/index.js';
import { BenchFleet } from './bench-fleet.js';

const SERVICES = 20;
const METRICS = ['cpu', 'memory', 'latency_ms', 'error_rate', 'rps'] as const;
const TICKS = Number(process.env.VIGIL_BENCH_TICKS ?? 3000);
const IN_FLIGHT = Number(process.env.VIGIL_BENCH_IN_FLIGHT ?? 200);
const START = Date.UTC(2026, 0, 5);

function tick(i: number): { runId: string; ts: number; samples: Sample[] } {
  const ts = START + i * 10_000;
  const samples: Sample[] = [];
  for (let s = 0; s < SERVICES; s++) {
    for (const metric of METRICS) {
      const base = { cpu: 40, memory: 55, latency_ms: 120, error_rate: 0.3, rps: 200 }[metric];
      samples.push({ service: `svc-${s}`, instance: 'i-1', metric, value: base * (1 + 0.1 * Math.sin(i / 30 + s)), ts });
    }
  }
  return { runId: 'bench', ts, samples };
}

/** Raw NATS: the same payloads (one per service per tick) from one connection to a subscriber on another. */
async function rawNats(pub: NatsConnection, sub: NatsConnection): Promise<{ msgsPerS: number; samplesPerS: number }> {
  const payloads = Array.from({ length: 50 }, (_, i) => tick(i)).flatMap((t) => rawBatches(t.samples, 5000).map((b) => JSON.stringify(b)));
  const total = TICKS * SERVICES;
  let received = 0;
  const done = new Promise<void>((resolve) => {
    sub.subscribe('bench.raw.>', { callback: () => { if (++received === total) resolve(); } });
  });
  await sub.flush();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    pub.publish(`bench.raw.svc-${i % SERVICES}`, payloads[i % payloads.length]);
    if (i % 1000 === 0) await pub.flush();
  }
  await pub.flush();
  await done;
  const s = (performance.now() - t0) / 1000;
  return { msgsPerS: total / s, samplesPerS: (total * METRICS.length) / s };
}

/** The pipeline: ticks into the collector, waiting for the aggregator's watermark (IN_FLIGHT ticks ahead at most). */
async function pipeline(nc: NatsConnection): Promise<{ samplesPerS: number; ticksPerS: number }> {
  let aggWatermark = 0;
  let wake: (() => void) | null = null;
  nc.subscribe(Subjects.watermark.match('aggregator'), {
    callback: (_e, m) => { aggWatermark = Math.max(aggWatermark, m.json<Watermark>().ts); wake?.(); },
  });
  const waitFor = async (ts: number): Promise<void> => {
    while (aggWatermark < ts) await new Promise<void>((r) => { wake = r; setTimeout(r, 1000); });
  };
  // Warm-up: agents connected and subscribed, watermarks flowing.
  const warm = 50;
  for (let i = 0; i < warm; i++) nc.publish(Subjects.simTick.subject(), JSON.stringify(tick(i)));
  await waitFor(tick(warm - 1).ts);
  const t0 = performance.now();
  for (let i = warm; i < warm + TICKS; i++) {
    nc.publish(Subjects.simTick.subject(), JSON.stringify(tick(i)));
    if (i - IN_FLIGHT >= warm) await waitFor(tick(i - IN_FLIGHT).ts);
  }
  await waitFor(tick(warm + TICKS - 1).ts);
  const s = (performance.now() - t0) / 1000;
  return { samplesPerS: (TICKS * SERVICES * METRICS.length) / s, ticksPerS: TICKS / s };
}

async function main(): Promise<void> {
  const fleet = await BenchFleet.start();
  try {
    for (const kind of ['collector', 'filter', 'detector', 'aggregator'] as const) fleet.spawnAgent(kind);
    const op = await fleet.connect('operator');
    // Wait (up to 20 s) until the four agents answer $SRV.PING.
    for (const kind of ['collector', 'filter', 'detector', 'aggregator']) {
      for (let i = 0; ; i++) {
        try { await op.request(`$SRV.PING.vigil-${kind}`, '', { timeout: 500 }); break; } catch (err) {
          if (i > 100) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    const piped = await pipeline(op);
    const op2 = await fleet.connect('operator');
    const raw = await rawNats(op, op2);
    await op2.close();
    await op.close();
    const result = {
      ticks: TICKS, services: SERVICES, samplesPerTick: SERVICES * METRICS.length,
      pipelineSamplesPerS: Math.round(piped.samplesPerS),
      pipelineTicksPerS: Math.round(piped.ticksPerS),
      rawNatsMsgsPerS: Math.round(raw.msgsPerS),
      rawNatsSamplesPerS: Math.round(raw.samplesPerS),
      ratio: Math.round((piped.samplesPerS / raw.samplesPerS) * 1000) / 1000,
    };
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write([
        `pipeline collector -> filter -> detector -> aggregator: ${result.pipelineSamplesPerS.toLocaleString('en')} samples/s (${result.pipelineTicksPerS} ticks/s of ${result.samplesPerTick} samples)`,
        `raw NATS pub/sub, same payloads:                       ${result.rawNatsSamplesPerS.toLocaleString('en')} samples/s (${result.rawNatsMsgsPerS.toLocaleString('en')} msgs/s)`,
        `ratio pipeline / raw NATS:                              ${result.ratio}`,
      ].join('\n') + '\n');
    }
  } finally {
    await fleet.stop();
  }
}

main().catch((err) => { process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); });
