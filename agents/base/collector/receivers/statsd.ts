import type { Sample } from '../../../../runtime/contracts/index.js';

interface Series { service: string; metric: string; type: 'c' | 'g' | 'ms' | 's'; count: number; values: number[]; set: Set<string>; gauge: number }

const token = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'unknown';
const LINE = /^([^:|]+):([^|]+)\|(c|g|ms|h|s|d)(\|@([0-9.]+))?(\|#(.*))?$/;

/**
 * Accumulates StatsD lines (`name:value|type[|@rate][|#tag:v,...]`, several per datagram) and
 * turns them into samples at each flush: counters as per-second rates (sampling rate
 * honoured), gauges as their last value (`+n`/`-n` adjust it), timers and histograms as p95
 * (plus `<name>_count` per second), sets as the number of distinct values. The service is a
 * `service:` tag, else the first dot-separated part of the name, else the default.
 */
export class StatsdBook {
  readonly #series = new Map<string, Series>();
  readonly #gauges = new Map<string, number>();
  #lastFlush: number;
  bad = 0;

  constructor(private readonly defaultService: string, now: number) { this.#lastFlush = now; }

  /** Reads one datagram; returns the lines it could not parse. */
  ingest(datagram: string): string[] {
    const badLines: string[] = [];
    for (const line of datagram.split('\n').map((l) => l.trim()).filter(Boolean)) {
      if (!this.line(line)) { this.bad++; badLines.push(line.slice(0, 120)); }
    }
    return badLines;
  }

  private line(line: string): boolean {
    const m = LINE.exec(line);
    if (!m) return false;
    const tags = Object.fromEntries((m[7] ?? '').split(',').filter(Boolean).map((t) => [t.split(':')[0], t.split(':').slice(1).join(':')]));
    const parts = m[1].split('.');
    const service = token(tags.service ?? (parts.length > 1 ? parts[0] : this.defaultService));
    const metric = token(tags.service || parts.length === 1 ? m[1] : parts.slice(1).join('_'));
    const type = m[3] === 'h' || m[3] === 'd' ? 'ms' : (m[3] as Series['type']);
    const key = `${service}|${metric}|${type}`;
    const s = this.#series.get(key) ?? { service, metric, type, count: 0, values: [], set: new Set<string>(), gauge: 0 };
    this.#series.set(key, s);
    if (type === 's') { s.set.add(m[2]); return true; }
    const value = Number(m[2]);
    if (!Number.isFinite(value)) return false;
    const rate = m[5] ? Number(m[5]) : 1;
    if (!(rate > 0 && rate <= 1)) return false;
    if (type === 'c') s.count += value / rate;
    else if (type === 'g') {
      const previous = this.#gauges.get(key) ?? 0;
      const next = /^[+-]/.test(m[2]) ? previous + value : value;
      this.#gauges.set(key, next);
      s.gauge = next;
      s.count++;
    } else { s.values.push(value); s.count += 1 / rate; }
    return true;
  }

  /** The samples since the previous flush; counters and timers start again from zero. */
  flush(instance: string, now: number): Sample[] {
    const seconds = Math.max((now - this.#lastFlush) / 1000, 0.001);
    this.#lastFlush = now;
    const out: Sample[] = [];
    for (const s of this.#series.values()) {
      const base = { service: s.service, instance, ts: now };
      if (s.type === 'c') out.push({ ...base, metric: s.metric, value: s.count / seconds });
      else if (s.type === 'g') { if (s.count > 0) out.push({ ...base, metric: s.metric, value: s.gauge }); }
      else if (s.type === 's') out.push({ ...base, metric: s.metric, value: s.set.size });
      else if (s.values.length > 0) {
        const sorted = [...s.values].sort((a, b) => a - b);
        out.push({ ...base, metric: s.metric, value: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)], unit: 'ms' });
        out.push({ ...base, metric: `${s.metric}_count`.slice(0, 64), value: s.count / seconds });
      }
    }
    this.#series.clear();
    return out;
  }
}
