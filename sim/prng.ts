/**
 * A tiny deterministic PRNG (mulberry32) and the few distributions the simulator needs.
 * Same seed, same sequence, on every platform: the simulator never calls Math.random.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller; the pair's second value is kept for the next call). */
  gauss(): number;
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number;
}

/** mulberry32: 32-bit state, period 2^32, good enough for noise and jitter. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  return {
    next,
    gauss: () => {
      if (spare !== null) {
        const g = spare;
        spare = null;
        return g;
      }
      const u = Math.max(next(), 1e-12);
      const v = 2 * Math.PI * next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(v);
      return r * Math.cos(v);
    },
    between: (lo, hi) => lo + (hi - lo) * next(),
  };
}

/**
 * Derives an independent seed for a named stream (FNV-1a of the name mixed with the seed),
 * so that e.g. each service's load noise does not depend on how many draws another stream made.
 */
export function deriveSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
