import { isReady, type ServiceState } from './service-state.js';

/** Memory (percent) above which garbage collection starts to slow requests down. */
export const GC_PRESSURE_PCT = 85;

/** Service-time multiplier from GC pressure at a memory level: 1 below 85 %, 4 at 100 %. */
export function gcFactor(memPct: number): number {
  if (memPct <= GC_PRESSURE_PCT) return 1;
  const x = Math.min(1, (memPct - GC_PRESSURE_PCT) / (100 - GC_PRESSURE_PCT));
  return 1 + 3 * x * x;
}

/**
 * Advances every instance's memory by one tick: the leak grows while an instance serves, a
 * cache flush's relief decays, and an instance reaching 100 % is killed (OOM) and reboots,
 * which clears its leak. Returns the mean memory and GC factor over serving instances.
 * `load` is the utilisation (0-1) that sets the working-set part of memory.
 */
export function updateMemory(s: ServiceState, now: number, dtS: number, load: number): { memory: number; gc: number } {
  const spec = s.spec;
  let sumMem = 0;
  let sumGc = 0;
  let n = 0;
  for (const i of s.instances) {
    i.cacheRelief = Math.max(0, i.cacheRelief - dtS / 60);
    if (!isReady(i, now)) {
      i.memPct = spec.memBasePct / s.size;
      continue;
    }
    i.leakPct += (s.leakPctPerMin * i.leakRate * dtS) / 60;
    const raw = spec.memBasePct + spec.memLoadPct * Math.min(1, load) + i.leakPct - i.cacheRelief;
    i.memPct = Math.min(100, Math.max(0, raw / s.size));
    if (i.memPct >= 100) {
      i.downUntil = now + spec.bootDelayS * 1000;
      i.leakPct = 0;
      i.cacheRelief = 0;
      continue;
    }
    sumMem += i.memPct;
    sumGc += gcFactor(i.memPct);
    n++;
  }
  return { memory: n > 0 ? sumMem / n : 0, gc: n > 0 ? sumGc / n : 1 };
}
