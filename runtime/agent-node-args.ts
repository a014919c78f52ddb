/**
 * Node flags of every agent process (the supervisor's and the benches'). The young generation's
 * semi-spaces are capped at 1 MB: an agent allocates little per message, and V8's default of up
 * to 16 MB per semi-space kept ~10 MB more resident in each idle agent (issue 13: idle RSS).
 * The old generation may grow by half its live size before a full collection (V8 picks a factor
 * of up to 4 by itself): under the pipeline bench the aggregator peaked at 115-124 MB, mostly
 * garbage awaiting collection, and 81-82 MB with this flag, at the same throughput.
 * VIGIL_AGENT_NODE_ARGS adds flags (e.g. --cpu-prof); a flag given there wins over these.
 */
export const AGENT_NODE_ARGS: readonly string[] = ['--max-semi-space-size=1', '--heap-growing-percent=50'];

/** The flags for one agent process: the defaults, then the operator's (VIGIL_AGENT_NODE_ARGS). */
export function agentNodeArgs(extra = process.env.VIGIL_AGENT_NODE_ARGS ?? ''): string[] {
  const added = extra.split(' ').filter(Boolean);
  const named = (flag: string): string => flag.split('=')[0];
  return [...AGENT_NODE_ARGS.filter((f) => !added.some((a) => named(a) === named(f))), ...added];
}
