#!/usr/bin/env node
/**
 * `npm run bench:detector`: per-sample cost and memory per series of each detector brain,
 * `auto` (the ensemble) first. Each series is 10,000 samples at 5 minutes (a daily
 * pattern, noise and a few spikes): enough to fill every 8,640-sample horizon, so the
 * memory is the steady state (the last column: a young series of 30 samples, its seasonal profile
 * still a first-day log). The cost is CPU time (user + system), not wall time, so that
 * a loaded machine does not bill its neighbours' work. Run with `node --expose-gc` for the
 * memory column.
 */
import { createDetector, DETECTOR_NAMES, mulberry32, type DetectorName } from '../../agents/base/detector/brains/index.js';

const SAMPLES = Number(process.env.VIGIL_BENCH_SAMPLES ?? 10_000);
const SERIES_FOR_COST = Number(process.env.VIGIL_BENCH_SERIES ?? 8);
const SERIES_FOR_MEMORY = 40;
/** A young series: 30 samples (2.5 hours), its seasonal profile still a first-day log; many of them, they are small. */
const YOUNG_SAMPLES = 30;
const YOUNG_SERIES = 2000;
const STEP_MS = 300_000;
const T0 = Date.UTC(2026, 0, 5);

/** A deterministic series: daily plateau, noise, a spike every ~2,000 samples. */
function series(seed: number): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const hour = ((i % 288) * 24) / 288;
    const noise = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    out[i] = (hour >= 8 && hour < 18 ? 80 : 20) + 3 * noise + (i % 2011 === 1500 ? 60 : 0);
  }
  return out;
}

function feed(name: DetectorName, values: Float64Array): number {
  const brain = createDetector(name, { warmup: 750 });
  let alerts = 0;
  for (let i = 0; i < values.length; i++) if (brain.observe(values[i], T0 + i * STEP_MS).score >= 0.62) alerts++;
  return alerts;
}

/** CPU time (user + system) per sample: on a loaded machine, wall time would measure the neighbours. */
function costMicros(name: DetectorName, data: Float64Array[]): number {
  feed(name, data[0]); // warm the JIT
  const t0 = process.cpuUsage();
  for (const values of data) feed(name, values);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / (data.length * SAMPLES);
}

/** Heap plus typed-array backing stores (which live outside the heap: heapUsed alone misses them). */
function usedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function memoryKiB(name: DetectorName, values: Float64Array, samples = values.length, series = SERIES_FOR_MEMORY): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const before = usedBytes();
  const brains = Array.from({ length: series }, () => createDetector(name, { warmup: 750 }));
  for (const brain of brains) for (let i = 0; i < samples; i++) brain.observe(values[i], T0 + i * STEP_MS);
  gc();
  const after = usedBytes();
  if (brains.length === 0) throw new Error('no brain');
  return Math.max(0, after - before) / 1024 / series;
}

const names = (process.argv[2] ? process.argv[2].split(',') : [...DETECTOR_NAMES]) as DetectorName[];
const data = Array.from({ length: SERIES_FOR_COST }, (_, k) => series(k + 1));
process.stdout.write(`detector brains: ${SERIES_FOR_COST} series x ${SAMPLES} samples for the cost, ${SERIES_FOR_MEMORY} live series for the memory, ${YOUNG_SERIES} for the young column (node ${process.version})\n`);
process.stdout.write(`${'detector'.padEnd(12)} ${'us/sample'.padStart(10)} ${'samples/s'.padStart(11)} ${'KiB/series'.padStart(11)} ${`young (${YOUNG_SAMPLES})`.padStart(11)}\n`);
for (const name of names) {
  const us = costMicros(name, data);
  const kib = memoryKiB(name, data[0]);
  const young = memoryKiB(name, data[0], YOUNG_SAMPLES, YOUNG_SERIES);
  const show = (k: number | undefined, digits: number): string => (k === undefined ? 'n/a' : k.toFixed(digits));
  process.stdout.write(`${name.padEnd(12)} ${us.toFixed(2).padStart(10)} ${Math.round(1e6 / us).toLocaleString('en-US').padStart(11)} ${show(kib, 0).padStart(11)} ${show(young, 1).padStart(11)}\n`);
}
if (!(globalThis as { gc?: () => void }).gc) process.stdout.write('(memory: run with node --expose-gc)\n');
