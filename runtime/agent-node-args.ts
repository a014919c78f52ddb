/**
 * Node flags of every agent process (the supervisor's and the benches'). The young generation's
 * semi-spaces are capped at 8 MB (V8's default cap is 16 MB). Under the pipeline bench, a 1 MB cap
 * made every agent scavenge so often that collection took 20-33 % of the detector's and the
 * aggregator's CPU, and batches held in the epoch gate were promoted to the old generation:
 * 109,000 samples/s with 1 MB, 145,000 with 4 MB, 154,000-160,000 with 8 MB and 120,000-155,000
 * with 16 MB (issue 13). At rest the lowest RSS is the same 55-56 MB with any of them (V8's memory
 * reducer gives the young generation back after 10-30 s without work) and the steady state ~0.8 MB
 * higher than with 1 MB; the reading 1 s after start-up grows (60 -> 68-74 MB), and the aggregator
 * peaks at 94-97 MB under load (112 with 16 MB).
 * The old generation may grow by half its live size before a full collection (V8 picks a factor
 * of up to 4 by itself): under the pipeline bench the aggregator peaked at 115-124 MB, mostly
 * garbage awaiting collection, and 81-82 MB with this flag, at the same throughput.
 * VIGIL_AGENT_NODE_ARGS adds flags (e.g. --cpu-prof); a flag given there wins over these.
 */
export const AGENT_NODE_ARGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=50'];

/** The flags for one agent process: the defaults, then the operator's (VIGIL_AGENT_NODE_ARGS). */
export function agentNodeArgs(extra = process.env.VIGIL_AGENT_NODE_ARGS ?? ''): string[] {
  const added = extra.split(' ').filter(Boolean);
  const named = (flag: string): string => flag.split('=')[0];
  return [...AGENT_NODE_ARGS.filter((f) => !added.some((a) => named(a) === named(f))), ...added];
}
