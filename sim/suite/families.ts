/**
 * The scenario families of the random suite and how each draws its parameters. Ranges describe
 * the family (ramps of 1-30 minutes, surges of 2x-30x, attacks from 5 to 400 sources...), never
 * one file: a decision that holds here holds for the family.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../prng.js';
import { drawTopology, logBetween, pick, type Topology } from './topology.js';

export const Families = [
  'surge', 'attack', 'leak', 'bad-deploy', 'pool-saturation', 'blocking-queries', 'slow-dependency',
  'partner-timeout', 'node-degradation', 'data-corruption', 'combo', 'quiet', 'replay',
] as const;
export type Family = (typeof Families)[number];

/** The fault families a combination draws from. */
const FAULT_FAMILIES: Family[] = ['surge', 'bad-deploy', 'leak', 'pool-saturation', 'blocking-queries', 'node-degradation', 'data-corruption', 'attack'];

/** A drawn scenario document (validated later by parseScenario) with the traces it replays. */
export interface Drawn { doc: Record<string, unknown>; traces: Record<string, number[]>; family: Family }

interface Parts { events: Record<string, unknown>[]; faults: Record<string, unknown>[]; onsetS: number | null }

const r2 = (x: number): number => Math.round(x * 100) / 100;
const int = (rng: Rng, lo: number, hi: number): number => Math.round(rng.between(lo, hi));

/** One family's events and faults on a topology, starting at `atS`. */
function drawParts(family: Family, rng: Rng, t: Topology, atS: number): Parts {
  const app = t.apps.length > 0 ? pick(rng, t.apps) : t.entry;
  const fault = (f: Record<string, unknown>): Parts => ({ events: [], faults: [{ atS, ...f }], onsetS: atS });
  switch (family) {
    case 'surge':
      return {
        events: [{
          type: 'surge', service: t.entry, atS, rampS: int(rng, 60, 1800), holdS: int(rng, 900, 2400), decayS: int(rng, 300, 1800),
          multiplier: r2(logBetween(rng, 2, 30)),
        }],
        faults: [], onsetS: atS,
      };
    case 'attack':
      return {
        events: [{
          type: 'attack', service: t.entry, atS, rampS: int(rng, 30, 300), holdS: int(rng, 900, 1800), decayS: int(rng, 30, 300),
          multiplier: r2(logBetween(rng, 3, 40)), sources: Math.round(logBetween(rng, 5, 400)),
        }],
        faults: [], onsetS: atS,
      };
    case 'leak': return fault({ type: 'memory-leak', service: app, pctPerMin: r2(logBetween(rng, 0.3, 2.5)) });
    case 'bad-deploy': return fault({ type: 'bad-deploy', service: app, version: `v${int(rng, 2, 9)}`, errorRatePct: r2(logBetween(rng, 2, 30)), latencyFactor: r2(rng.between(1, 1.8)) });
    case 'pool-saturation': return fault({ type: 'slow-queries', service: t.db, factor: r2(rng.between(2.2, 4)) });
    case 'blocking-queries': return fault({ type: 'blocking-queries', service: t.db, latencyMs: int(rng, 500, 3000) });
    case 'slow-dependency': return fault({ type: 'partner-timeout', service: t.partner!, latencyMs: int(rng, 500, 2000), errorRatePct: r2(rng.between(0, 2)) });
    case 'partner-timeout': return fault({ type: 'partner-timeout', service: t.partner!, latencyMs: int(rng, 3000, 10_000), errorRatePct: r2(rng.between(20, 60)) });
    case 'node-degradation': return fault({ type: 'node-degraded', service: app, latencyMs: int(rng, 200, 1500) });
    case 'data-corruption': {
      // half the time a healthy release of the same service shortly before: the timing points at it, the evidence must not
      const service = pick(rng, [app, t.db]);
      const corruption = fault({ type: 'data-corruption', service, errorRatePct: r2(logBetween(rng, 2, 20)) });
      if (rng.next() < 0.5) corruption.faults.unshift({ type: 'deploy', service, atS: atS - int(rng, 60, 400), version: `v${int(rng, 2, 9)}` });
      return corruption;
    }
    case 'combo': case 'quiet': case 'replay': throw new Error(`drawParts: ${family} is not a single part`);
  }
}

/** The largest load multiple a family brings (quotas leave room for it). */
function peakOf(family: Family, second: Family | null): number {
  const one = (f: Family | null): number => (f === 'surge' ? 30 : f === 'replay' ? 3 : f === 'attack' ? 2 : 1.5);
  return Math.max(one(family), one(second));
}

let traceFiles: { path: string; rel: string }[] | null = null;

/** The NAB trace files a replay may draw from (../shared/nab/data, every category). */
function nabTraces(root: string): { path: string; rel: string }[] {
  if (traceFiles) return traceFiles;
  const dir = join(root, '..', 'shared', 'nab', 'data');
  const out: { path: string; rel: string }[] = [];
  for (const cat of readdirSync(dir, { withFileTypes: true })) {
    if (!cat.isDirectory() && !cat.isSymbolicLink()) continue;
    if (cat.name.startsWith('artificialNo')) continue;
    for (const f of readdirSync(join(dir, cat.name))) {
      if (f.endsWith('.csv')) out.push({ path: join(dir, cat.name, f), rel: `../shared/nab/data/${cat.name}/${f}` });
    }
  }
  traceFiles = out.sort((a, b) => a.rel.localeCompare(b.rel));
  return traceFiles;
}

/**
 * Draws one scenario of `family`. `readTrace` reads a NAB CSV (replay only); `root` is the
 * repository root. The scenario's `expect.onsetS` is when the trouble starts.
 */
export function drawScenario(family: Family, rng: Rng, index: number, root: string, readTrace: (path: string) => number[]): Drawn {
  const second = family === 'combo' ? pick(rng, FAULT_FAMILIES) : null;
  const first = family === 'combo' ? pick(rng, FAULT_FAMILIES.filter((f) => f !== second)) : family;
  const needsPartner = [first, second].some((f) => f === 'slow-dependency' || f === 'partner-timeout') || rng.next() < 0.2;
  const t = drawTopology(rng, int(rng, 2, 12), { withPartner: needsPartner, peakFactor: peakOf(first, second) });
  const startHour = int(rng, 0, 23);
  const traces: Record<string, number[]> = {};
  let parts: Parts = { events: [], faults: [], onsetS: null };
  let durationS = int(rng, 2700, 5400);
  let noisePct = r2(rng.between(1, 5));
  let diurnalAmplitude = 0;
  if (family === 'quiet') {
    durationS = 6 * 3600;
    noisePct = r2(rng.between(8, 15));
    diurnalAmplitude = r2(rng.between(0.2, 0.5));
  } else if (family === 'replay') {
    const files = nabTraces(root);
    const file = pick(rng, files);
    const values = readTrace(file.path);
    const count = Math.min(values.length - 1, int(rng, 120, 240));
    const offset = int(rng, 0, Math.max(0, values.length - count - 1));
    const pointS = 30;
    traces[file.rel] = values;
    durationS = (count - 1) * pointS;
    parts = {
      events: [{ type: 'replay', service: t.entry, atS: 0, file: file.rel, offset, count, pointS, peakUtilisation: r2(rng.between(0.5, 1.5)) }],
      faults: [], onsetS: null,
    };
  } else {
    const at = int(rng, 600, 1200);
    parts = drawParts(first, rng, t, at);
    if (second) {
      const more = drawParts(second, rng, t, at + int(rng, 300, 900));
      parts = { events: [...parts.events, ...more.events], faults: [...parts.faults, ...more.faults], onsetS: parts.onsetS };
      durationS = Math.max(durationS, at + 3000);
    }
  }
  const doc = {
    name: `suite-${String(index).padStart(3, '0')}-${family}`,
    description: `random suite: ${family}${second ? ` (${first} + ${second})` : ''}, ${t.services.length} services, ${t.shape}`,
    seed: Math.floor(rng.next() * 1e9),
    startTs: `2026-01-05T${String(startHour).padStart(2, '0')}:00:00Z`,
    durationS, tickS: 10, pipeline: 1, sampleInstances: 2,
    services: t.services,
    load: { diurnalAmplitude, peakHour: int(rng, 10, 20), noisePct, events: parts.events },
    faults: parts.faults,
    expect: { onsetS: parts.onsetS },
  };
  return { doc, traces, family };
}
