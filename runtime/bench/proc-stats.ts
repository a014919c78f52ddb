/** Memory and CPU of a process from /proc (Linux), for the benches. */
import { readFileSync } from 'node:fs';
import { median } from '../stats.js';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const USER_HZ = 100;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** Resident memory now, MB. */
export function rssMb(pid: number): number { return statusField(pid, 'VmRSS'); }

/** Highest resident memory since the process started, MB. */
export function peakRssMb(pid: number): number { return statusField(pid, 'VmHWM'); }

/** CPU time (user + system) used so far, seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/**
 * Resident memory of each process at rest, MB, read once a second for `seconds`: the lowest reading,
 * and the median of the second half (the steady state). V8 gives start-up garbage back to the
 * system only after 10-30 s without work (its memory reducer), so a reading right after start-up
 * counts memory an idle agent no longer holds. The median shows a rise the lowest reading hides:
 * an optimising compiler that came on at rest paged ~3.4 MB of its code in from the node binary at
 * ~35 s (agents now keep it off until they have work, runtime/startup-compiler.ts).
 */
export async function restingRssMb(pids: readonly number[], seconds: number): Promise<{ lowest: number[]; median: number[] }> {
  const readings: number[][] = pids.map((pid) => [rssMb(pid)]);
  for (let s = 0; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    pids.forEach((pid, i) => readings[i].push(rssMb(pid)));
  }
  return { lowest: readings.map((r) => Math.min(...r)), median: readings.map((r) => median(r.slice(Math.floor(r.length / 2)))) };
}
