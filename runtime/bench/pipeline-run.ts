/**
 * Drives the four-agent pipeline (simulator ticks into the collector, the aggregators'
 * watermarks out) and one hop of raw NATS with the same raw-batch payloads.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, type Watermark } from '../contracts/index.js';
import { DEFAULT_MAX_SKEW_MS } from '../host/start-agent.js';
import { TICK_MS, TickTexts, seriesOf, tickEnd, tickMessages, type Workload } from './workload.js';

export interface DriveOptions {
  /** Ticks to measure (after the warm-up). */
  ticks: number;
  /** Stop publishing new ticks after this many seconds (bounded run time). */
  maxS: number;
  /** Samples published ahead of the aggregators' watermark at most. */
  inFlightSamples: number;
  /** Aggregator replicas whose watermarks must all cover a tick. */
  aggregators: number;
  warmupTicks: number;
}

export interface Throughput { samples: number; seconds: number; samplesPerS: number; ticks: number }

/** Follows the lowest watermark of the aggregator replicas. */
function aggregatorClock(nc: NatsConnection, replicas: number): { waitFor(ts: number, timeoutMs?: number): Promise<void> } {
  const latest = new Map<string, number>();
  let wake: (() => void) | null = null;
  nc.subscribe(Subjects.watermark.match('aggregator'), {
    callback: (_e, m) => {
      const wm = m.json<Watermark>();
      latest.set(wm.agentId, Math.max(latest.get(wm.agentId) ?? 0, wm.ts));
      wake?.();
    },
  });
  const low = (): number => (latest.size < replicas ? 0 : Math.min(...latest.values()));
  return {
    async waitFor(ts, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (low() < ts) {
        if (Date.now() > deadline) throw new Error(`aggregators did not reach ${new Date(ts).toISOString()} within ${timeoutMs} ms (at ${low()})`);
        await new Promise<void>((r) => { wake = r; setTimeout(r, 500); });
      }
    },
  };
}

/** Samples per second through collector -> filter -> detector -> aggregator. */
export async function drivePipeline(nc: NatsConnection, w: Workload, opts: DriveOptions): Promise<Throughput> {
  const clock = aggregatorClock(nc, opts.aggregators);
  const series = seriesOf(w);
  const texts = new TickTexts(w);
  const publishTick = (i: number): void => {
    for (const text of texts.messages(i)) nc.publish(Subjects.simTick.subject(), text);
  };
  for (let i = 0; i < opts.warmupTicks; i++) publishTick(i);
  await clock.waitFor(tickEnd(w, opts.warmupTicks - 1));
  // Agents refuse inputs more than DEFAULT_MAX_SKEW_MS of event time ahead of their clock: stay inside it.
  const maxAhead = Math.floor(DEFAULT_MAX_SKEW_MS / TICK_MS) - 2;
  const ahead = Math.max(1, Math.min(maxAhead, Math.floor(opts.inFlightSamples / series)));
  const first = opts.warmupTicks;
  const t0 = performance.now();
  let i = first;
  for (; i < first + opts.ticks && performance.now() - t0 < opts.maxS * 1000; i++) {
    publishTick(i);
    if (i - ahead >= first) await clock.waitFor(tickEnd(w, i - ahead));
  }
  await clock.waitFor(tickEnd(w, i - 1));
  const seconds = (performance.now() - t0) / 1000;
  const ticks = i - first;
  return { samples: ticks * series, seconds, samplesPerS: (ticks * series) / seconds, ticks };
}

/** One hop of raw NATS: the collector's raw batches for `w`, from one connection to a subscriber on another. */
export async function rawHop(pub: NatsConnection, sub: NatsConnection, w: Workload, messages: number): Promise<Throughput & { msgsPerS: number }> {
  const payloads: string[] = [];
  let samples = 0;
  for (let i = 0; payloads.length < 50; i++) {
    for (const batch of tickMessages(w, i).flatMap((t) => t.batches)) {
      payloads.push(JSON.stringify(batch));
      samples += batch.value.length;
    }
  }
  const perMessage = samples / payloads.length;
  let received = 0;
  const done = new Promise<void>((resolve) => {
    sub.subscribe('bench.raw.>', { callback: () => { if (++received === messages) resolve(); } });
  });
  await sub.flush();
  const t0 = performance.now();
  for (let i = 0; i < messages; i++) {
    pub.publish(`bench.raw.${i % 20}`, payloads[i % payloads.length]);
    if (i % 1000 === 0) await pub.flush();
  }
  await pub.flush();
  await done;
  const seconds = (performance.now() - t0) / 1000;
  return { samples: messages * perMessage, seconds, samplesPerS: (messages * perMessage) / seconds, ticks: 0, msgsPerS: messages / seconds };
}
