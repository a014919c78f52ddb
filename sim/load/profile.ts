import { createRng, deriveSeed, type Rng } from '../prng.js';
import type { LoadEvent, Scenario } from '../scenario-schema.js';
import { prepareTrace, traceRpsAt, type PreparedTrace } from './nab-trace.js';

/** External traffic reaching one service during a tick (requests/s). */
export interface ExternalLoad {
  /** Real users' requests (paid ones on a billable service). */
  legit: number;
  /** Attack requests (DDoS), before any block or rate limit. */
  attack: number;
  /** Distinct attacking source addresses (0 when no attack). */
  sources: number;
}

/** Envelope of a surge or attack: 0 before, ramps to 1, holds, decays to 0. */
export function envelope(e: LoadEvent, tS: number): number {
  const x = tS - e.atS;
  if (x < 0) return 0;
  if (x < e.rampS) return x / e.rampS;
  if (x < e.rampS + e.holdS) return 1;
  const d = x - e.rampS - e.holdS;
  return d < e.decayS ? 1 - d / e.decayS : 0;
}

/** The diurnal factor at a UTC time: 1 + a cos(2 pi (hour - peakHour) / 24). */
export function diurnalFactor(amplitude: number, peakHour: number, epochMs: number): number {
  if (amplitude === 0) return 1;
  const hour = (epochMs / 3_600_000) % 24;
  return 1 + amplitude * Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
}

/**
 * The scenario's traffic, one tick at a time. Each service has its own noise stream (AR(1),
 * seeded from the run seed and the service name), so the traffic does not depend on what the
 * controller does: runs with different controllers see exactly the same load.
 */
export interface LoadModel {
  /** Load of every entry service at tS (seconds since start); call once per tick, in order. */
  step(tS: number): Map<string, ExternalLoad>;
}

/** Creates the traffic of a scenario for a run seed (replay traces scaled to the initial capacity). */
export function createLoadModel(scenario: Scenario, seed: number): LoadModel {
  const { load } = scenario;
  const entries = scenario.services.filter((s) => s.externalRps > 0 || load.events.some((e) => e.service === s.service));
  const noise = new Map<string, { rng: Rng; n: number }>(
    entries.map((s) => [s.service, { rng: createRng(deriveSeed(seed, `load:${s.service}`)), n: 0 }]),
  );
  const traces = new Map<LoadEvent, PreparedTrace>();
  for (const e of load.events) {
    if (e.type !== 'replay' || !e.file) continue;
    const svc = scenario.services.find((s) => s.service === e.service)!;
    traces.set(e, prepareTrace(scenario.traces[e.file], e, svc.instances * svc.capacityRps * svc.size));
  }
  const sigma = load.noisePct / 100;
  const phi = 0.8;
  return {
    step(tS) {
      const out = new Map<string, ExternalLoad>();
      const day = diurnalFactor(load.diurnalAmplitude, load.peakHour, scenario.startMs + tS * 1000);
      for (const svc of entries) {
        const ns = noise.get(svc.service)!;
        ns.n = phi * ns.n + Math.sqrt(1 - phi * phi) * sigma * ns.rng.gauss();
        let legit = svc.externalRps * day;
        let attack = 0;
        let sources = 0;
        for (const e of load.events) {
          if (e.service !== svc.service) continue;
          if (e.type === 'replay') {
            const r = traceRpsAt(traces.get(e)!, tS);
            if (r !== null) legit = r;
          }
        }
        for (const e of load.events) {
          if (e.service !== svc.service) continue;
          const env = e.type === 'replay' ? 0 : envelope(e, tS);
          if (env === 0) continue;
          if (e.type === 'surge') legit *= 1 + (e.multiplier - 1) * env;
          if (e.type === 'attack') {
            attack += Math.max(0, e.multiplier - 1) * svc.externalRps * env;
            sources += e.sources;
          }
        }
        const f = Math.max(0, 1 + ns.n);
        out.set(svc.service, { legit: legit * f, attack: attack * f, sources });
      }
      return out;
    },
  };
}
