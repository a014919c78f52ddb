import { describe, expect, it } from 'vitest';
import { agentDefinitions, downstreamKinds, upstreamKinds } from '../../agents/registry.js';
import { agentWiring, loadKind } from '../../agents/wiring.js';

describe('agent wiring (what an agent process knows before it loads its kind)', () => {
  it.each(agentDefinitions.map((d) => [d.kind, d] as const))('%s: the same upstream and downstream as the registry computes, and its own module', async (kind, def) => {
    const wiring = agentWiring[kind];
    const expected = `${kind}: { upstream: ${JSON.stringify(upstreamKinds(def))}, downstream: ${downstreamKinds(def).length > 0} }`;
    expect(`${kind}: { upstream: ${JSON.stringify(wiring.upstream)}, downstream: ${wiring.downstream} }`, `agents/wiring.ts must say ${expected}`).toBe(expected);
    expect((await loadKind(kind)).def).toBe(def);
  });

  it('lists exactly the registry\'s kinds and refuses an unknown one by name', async () => {
    expect(Object.keys(agentWiring).sort()).toEqual(agentDefinitions.map((d) => d.kind).sort());
    await expect(loadKind('toString')).rejects.toThrow(/unknown agent kind 'toString' \(known: collector, filter/);
  });
});
