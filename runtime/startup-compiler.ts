/**
 * The optimising compiler (TurboFan) stays off until an agent has work: start-up code (module
 * bodies, schema building, connecting) runs a few times only, and housekeeping (heartbeats,
 * registry writes) a few times a second. Optimising them buys nothing, and cost each idle agent
 * ~5 MB resident at start-up, then another ~3.4 MB some 35 s later (compiled code, and the
 * compiler's own pages of the node binary, which stay resident once touched). agent-main imports
 * this module first, so the flag is off before any other module runs; agent-process calls
 * {@link optimiseFromNowOn} when event time first moves (the first data, a scrape or a
 * simulated run), so the data path is optimised as before (the pipeline bench's throughput is
 * unchanged). If the engine refuses to change a flag after start, nothing changes: the compiler
 * simply stays on.
 */
import { setFlagsFromString } from 'node:v8';

let turnedOff = false;
if (process.env.VIGIL_STARTUP_OPT !== 'on') {
  try {
    setFlagsFromString('--no-opt');
    turnedOff = true;
  } catch (err) {
    process.emitWarning(`vigil: could not defer the optimising compiler at start-up: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Turns the optimising compiler back on (only if this module turned it off). */
export function optimiseFromNowOn(): void {
  if (!turnedOff) return;
  setFlagsFromString('--opt');
  turnedOff = false;
}
