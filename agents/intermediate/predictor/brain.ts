import type { AggWindow, Forecast } from '../../../runtime/contracts/index.js';
import { fitLine, holtStep, type HoltState } from './models.js';
import { dict, own } from '../../../runtime/dict.js';

/** Predictor settings (the agent's config schema mirrors this). */
export interface PredictorConfig {
  /** Metrics forecast per service. */
  metrics: string[];
  /** Level counted as saturation per metric; rps is derived from cpu (capacity), see `saturationOf`. */
  saturation: Record<string, number>;
  /** Forecast horizon, seconds (default 600). */
  horizonS: number;
  /** Windows in the least-squares fit (default 10). */
  historyWindows: number;
  /** Windows needed before a forecast is published (default 3). */
  minPoints: number;
  holtAlpha: number;
  holtBeta: number;
  /** Relative change of the prediction that is worth publishing again (default 0.1). */
  changeFrac: number;
  /** A series is republished at least this often, seconds (default 900). */
  republishS: number;
  /** Times to saturation beyond this are reported as null, seconds (default 86400). */
  maxTtsS: number;
}

/** The documented defaults: 10-minute horizon, saturation cpu 90, memory 95, pool 100, latency 500 ms, queue 5000. */
export const DEFAULT_PREDICTOR_CONFIG: PredictorConfig = {
  metrics: ['cpu', 'memory', 'rps', 'latency_ms', 'queue_depth', 'db_pool_usage'],
  saturation: { cpu: 90, memory: 95, db_pool_usage: 100, latency_ms: 500, queue_depth: 5000 },
  horizonS: 600, historyWindows: 10, minPoints: 3, holtAlpha: 0.5, holtBeta: 0.3,
  changeFrac: 0.1, republishS: 900, maxTtsS: 86_400,
};

interface Series {
  points: Array<[number, number]>;
  holt: HoltState | null;
  published: { predicted: number; tts: number | null; ts: number } | null;
}

/**
 * The predictor's brain: per service and metric, a least-squares trend over the last N
 * windows blended with Holt's smoothing (weighted by the line's fit), the value expected at
 * the horizon, the time to saturation, and when a forecast is worth publishing. rps gets a
 * load forecast against the capacity implied by cpu (rps x cpu saturation / cpu).
 */
export class Predictor {
  #config: PredictorConfig;
  readonly #series = new Map<string, Series>();
  #published = 0;

  constructor(config: Partial<PredictorConfig> = {}) {
    this.#config = { ...DEFAULT_PREDICTOR_CONFIG, ...config };
  }

  /** Takes one closed window; returns the forecasts to publish (at most one per metric). */
  window(w: AggWindow): Forecast[] {
    const out: Forecast[] = [];
    const t = w.end / 1000;
    for (const metric of this.#config.metrics) {
      const stats = own(w.metrics, metric);
      if (!stats) continue;
      const s = this.#get(`${w.service}|${metric}`);
      s.points.push([t, stats.mean]);
      if (s.points.length > this.#config.historyWindows) s.points.shift();
      s.holt = holtStep(s.holt, t, stats.mean, this.#config.holtAlpha, this.#config.holtBeta);
      if (s.points.length < this.#config.minPoints) continue;
      const f = this.#forecast(w, metric, stats.mean, s);
      if (this.#worthPublishing(s, f)) {
        s.published = { predicted: f.predicted, tts: f.timeToSaturationS, ts: f.ts };
        this.#published++;
        out.push(f);
      }
    }
    return out;
  }

  /** The saturation level of a metric in this window (0 = none known). */
  saturationOf(w: AggWindow, metric: string): number {
    if (metric !== 'rps') return own(this.#config.saturation, metric) ?? 0;
    const cpu = w.metrics.cpu?.mean;
    const rps = w.metrics.rps?.mean;
    const cpuSat = this.#config.saturation.cpu ?? 90;
    return cpu !== undefined && rps !== undefined && cpu >= 5 ? (rps * cpuSat) / cpu : 0;
  }

  reconfigure(config: Partial<PredictorConfig>): void {
    this.#config = { ...this.#config, ...config };
  }

  /** Forgets every series (a new simulated run). */
  reset(): void {
    this.#series.clear();
    this.#published = 0;
  }

  /** Series count, published count and the last published value per series. */
  state(): unknown {
    const last: Record<string, unknown> = dict();
    for (const [key, s] of [...this.#series.entries()].sort(([a], [b]) => a.localeCompare(b))) last[key] = s.published;
    return { config: this.#config, series: this.#series.size, published: this.#published, last };
  }

  #get(key: string): Series {
    let s = this.#series.get(key);
    if (!s) { s = { points: [], holt: null, published: null }; this.#series.set(key, s); }
    return s;
  }

  #forecast(w: AggWindow, metric: string, current: number, s: Series): Forecast {
    const { horizonS, maxTtsS } = this.#config;
    const line = fitLine(s.points);
    const holt = s.holt!;
    const weight = line ? line.r2 : 0;
    const level = weight * (line?.level ?? 0) + (1 - weight) * holt.level;
    const slope = weight * (line?.slopePerS ?? 0) + (1 - weight) * holt.trendPerS;
    // a one-step error of 10 % of the level gives 0.7, 33 % or more gives 0
    const holtConfidence = Math.max(0, 1 - (3 * holt.error) / Math.max(Math.abs(holt.level), 1e-6));
    const sufficiency = Math.min(1, s.points.length / this.#config.historyWindows);
    const confidence = (weight * (line?.r2 ?? 0) + (1 - weight) * holtConfidence) * (0.5 + 0.5 * sufficiency);
    const saturation = this.saturationOf(w, metric);
    let tts: number | null = null;
    if (saturation > 0) {
      if (current >= saturation || level >= saturation) tts = 0;
      else if (slope > 0) tts = (saturation - level) / slope;
      if (tts !== null && tts > maxTtsS) tts = null;
    }
    return {
      service: w.service, metric,
      method: weight >= 0.8 ? 'linear' : weight <= 0.2 ? 'holt' : 'linear+holt',
      current, horizonS, predicted: round(Math.max(0, level + slope * horizonS)), slopePerS: round(slope, 6),
      saturation: round(saturation), timeToSaturationS: tts === null ? null : Math.round(tts),
      confidence: round(Math.min(1, Math.max(0, confidence))), ts: w.end,
    };
  }

  /** Publish on first sight, near saturation, on a material change, or after republishS. */
  #worthPublishing(s: Series, f: Forecast): boolean {
    const prev = s.published;
    if (!prev) return true;
    if (f.timeToSaturationS !== null && f.timeToSaturationS <= f.horizonS) return true;
    if ((prev.tts === null) !== (f.timeToSaturationS === null)) return true;
    const scale = Math.max(Math.abs(prev.predicted), f.saturation > 0 ? f.saturation * 0.05 : 1);
    if (Math.abs(f.predicted - prev.predicted) > this.#config.changeFrac * scale) return true;
    return f.ts - prev.ts >= this.#config.republishS * 1000;
  }
}

function round(v: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
