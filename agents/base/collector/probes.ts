import { Socket } from 'node:net';
import type { Sample } from '../../../runtime/contracts/index.js';
import { errorMessage } from '../../../runtime/errors.js';
import type { Probe } from './config.js';
import { httpGet } from './http.js';

/** What one probe run found. */
export interface ProbeOutcome { ok: boolean; ms: number; reason?: string }

/** Runs one probe: an HTTP(S) GET (accepted status) or a TCP connect, within its timeout. */
export async function runProbe(probe: Probe): Promise<ProbeOutcome> {
  const t0 = performance.now();
  try {
    if (probe.kind === 'tcp') {
      await tcpConnect(probe.address ?? '', probe.timeoutMs);
      return { ok: true, ms: performance.now() - t0 };
    }
    const answer = await httpGet(probe.url ?? '', { headers: probe.headers, tls: probe.tls, timeoutMs: probe.timeoutMs });
    const accepted = probe.expectStatus.length > 0 ? probe.expectStatus.includes(answer.status) : answer.status >= 200 && answer.status <= 299;
    return accepted ? { ok: true, ms: answer.ms } : { ok: false, ms: answer.ms, reason: `${probe.url}: HTTP ${answer.status}` };
  } catch (err) {
    return { ok: false, ms: performance.now() - t0, reason: errorMessage(err) };
  }
}

function tcpConnect(address: string, timeoutMs: number): Promise<void> {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  const port = Number(address.slice(i + 1));
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const done = (err?: Error): void => { socket.destroy(); if (err) reject(err); else resolve(); };
    socket.setTimeout(timeoutMs, () => done(new Error(`${address}: no connection within ${timeoutMs} ms`)));
    socket.once('error', (err) => done(new Error(`${address}: ${err.message}`)));
    socket.connect(port, host, () => done());
  });
}

const MINUTE = 60_000;
const SLA_WINDOW_MS = 30 * 24 * 60 * MINUTE;

/**
 * The SLA of one probed service, computed from its probe runs: availability over the last 30
 * days (per-minute counts, bounded memory) and the share of the error budget still left
 * (seed 000: 99.9 % = 43 min 28 s a month).
 */
export class SlaBook {
  readonly #minutes = new Map<number, { ok: number; total: number }>();

  record(ts: number, ok: boolean): void {
    const minute = Math.floor(ts / MINUTE);
    const m = this.#minutes.get(minute) ?? { ok: 0, total: 0 };
    m.total++;
    if (ok) m.ok++;
    this.#minutes.set(minute, m);
    for (const k of this.#minutes.keys()) if (k < minute - SLA_WINDOW_MS / MINUTE) this.#minutes.delete(k);
  }

  /** Availability in percent over the window (100 before the first run). */
  availability(): number {
    let ok = 0;
    let total = 0;
    for (const m of this.#minutes.values()) { ok += m.ok; total += m.total; }
    return total === 0 ? 100 : (ok / total) * 100;
  }

  /** Error budget left, percent of the budget the target allows (may go below 0). */
  budgetLeft(targetPct: number): number {
    const allowed = 100 - targetPct;
    if (allowed <= 0) return this.availability() >= 100 ? 100 : 0;
    return (1 - (100 - this.availability()) / allowed) * 100;
  }
}

/** The samples of one probe run: probe_up (0/100), probe_latency_ms, sla_availability, error_budget_left. */
export function probeSamples(probe: Probe, outcome: ProbeOutcome, sla: SlaBook, ts: number): Sample[] {
  sla.record(ts, outcome.ok);
  const base = { service: probe.service, instance: probe.instance, ts };
  return [
    { ...base, metric: 'probe_up', value: outcome.ok ? 100 : 0, unit: 'percent' },
    { ...base, metric: 'probe_latency_ms', value: outcome.ms, unit: 'ms' },
    { ...base, metric: 'sla_availability', value: sla.availability(), unit: 'percent' },
    { ...base, metric: 'error_budget_left', value: sla.budgetLeft(probe.slaTarget) },
  ];
}
