import { describe, expect, it } from 'vitest';
import { AGENT_NODE_ARGS, agentNodeArgs } from '../../runtime/agent-node-args.js';

describe('agent node flags', () => {
  it('the defaults, then the operator\'s flags; an operator flag of the same name replaces the default', () => {
    expect(agentNodeArgs('')).toEqual([...AGENT_NODE_ARGS]);
    expect(agentNodeArgs('--cpu-prof')).toEqual([...AGENT_NODE_ARGS, '--cpu-prof']);
    expect(agentNodeArgs('--max-semi-space-size=16  --cpu-prof')).toEqual([...AGENT_NODE_ARGS.filter((f) => !f.startsWith('--max-semi-space-size=')), '--max-semi-space-size=16', '--cpu-prof']);
    expect(agentNodeArgs('--heap-growing-percent=0')).not.toContain('--heap-growing-percent=50');
  });
});
