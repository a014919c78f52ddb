import { cpus, freemem, totalmem } from 'node:os';
import type { Sample } from '../../../runtime/contracts/index.js';

/** CPU and memory of the machine the collector runs on, as samples of service `service`. */
export class HostMetrics {
  #prev = cpuTimes();

  read(service: string, instance: string, ts: number): Sample[] {
    const now = cpuTimes();
    const busy = now.busy - this.#prev.busy;
    const total = now.total - this.#prev.total;
    this.#prev = now;
    const samples: Sample[] = [
      { service, instance, metric: 'memory', value: (1 - freemem() / totalmem()) * 100, unit: 'percent', ts },
    ];
    if (total > 0) samples.push({ service, instance, metric: 'cpu', value: (busy / total) * 100, unit: 'percent', ts });
    return samples;
  }
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}
