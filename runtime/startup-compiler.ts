/**
 * The optimising compiler (TurboFan) stays off while an agent process starts: start-up code
 * (module bodies, schema building, connecting) runs a few times only, and optimising it cost
 * each idle agent ~5 MB resident (compiled code, and the compiler's own pages of the node
 * binary). agent-main imports this module first, so the flag is off before any other module
 * runs, and calls {@link optimiseFromNowOn} once the agent is up: the data path is optimised
 * as before (the pipeline bench's throughput is unchanged). If the engine refuses to change a
 * flag after start, nothing changes: the compiler simply stays on.
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
