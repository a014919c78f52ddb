/** Seeded pseudo-random numbers, so that randomised detectors are reproducible. */

/**
 * Mulberry32: a small, fast 32-bit PRNG. Returns a function giving numbers in [0, 1),
 * the same sequence for the same seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `fn` with `Math.random` replaced by `random`, restoring it afterwards even if
 * `fn` throws. For libraries that only draw from `Math.random` (ml-isolation-forest).
 * Safe because `fn` is synchronous: nothing else runs while it is substituted.
 */
export function withRandom<T>(random: () => number, fn: () => T): T {
  const original = Math.random;
  Math.random = random;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
