import { describe, expect, it } from 'vitest';
import { ActionTypes } from '../../../runtime/contracts/index.js';
import { defaultPolicyData, loadPolicy, validatePolicy } from '../../../policies/load.js';
import { setPolicyPath, setTrigger } from '../../../policies/policy-edit.js';

describe('policy data: defaults and validation', () => {
  it('policy: the JSON defaults are valid and carry the seed values', () => {
    const p = loadPolicy();
    expect(p.scaling.triggers.cpu_high).toMatchObject({ metric: 'cpu', threshold: 70, durationS: 300, cooldownS: 900, kind: 'horizontal' });
    expect(p.scaling.triggers.latency_high).toMatchObject({ metric: 'latency_ms', threshold: 200, durationS: 120 });
    expect(p.scaling.triggers.queue_high).toMatchObject({ metric: 'queue_depth', threshold: 1000, durationS: 60 });
    expect(p.scaling.triggers.memory_high).toMatchObject({ metric: 'memory', threshold: 80, durationS: 600, kind: 'vertical' });
    expect(p.scaling.triggers.io_latency_high).toMatchObject({ metric: 'io_latency_ms', threshold: 50, durationS: 300, kind: 'vertical' });
    expect(p.scaling.horizontal).toMatchObject({ targetCpu: 70, tolerance: 0.1, scaleDownStabilizationS: 300 });
    expect(p.escalation.levels.map((l) => [l.level, l.afterS])).toEqual([['N0', 0], ['N1', 900], ['N2', 1800], ['N3', 3600], ['N4', 7200]]);
    expect(validatePolicy(defaultPolicyData()).ok).toBe(true);
  });

  it('policy: every catalogue phase declares the undo of its action type, or none; a rollback is never undone', () => {
    for (const e of loadPolicy().catalogue) for (const ph of e.phases) expect([ActionTypes[ph.type].undo, null], `${e.id}/${ph.type}`).toContain(ph.undo);
    expect(loadPolicy().catalogue.find((e) => e.id === 'rollback-deploy')?.phases[0].undo).toBeNull();
  });

  it('policy: errors name the path, including rules ajv cannot express', () => {
    expect(() => loadPolicy({ scaling: { triggers: { cpu_high: { threshold: 'x', speed: 1 } } } }))
      .toThrow(/policy\.scaling\.triggers\.cpu_high: unknown key 'speed'.*policy\.scaling\.triggers\.cpu_high\.threshold: must be number/);
    const bad = defaultPolicyData() as { catalogue: { phases: { undo: string | null }[] }[] };
    bad.catalogue[1].phases[0].undo = 'redeploy';
    const checked = validatePolicy(bad);
    expect(checked.ok ? [] : checked.problems).toEqual([{ path: '/catalogue/1/phases/0/undo', message: `must be ${JSON.stringify(ActionTypes[loadPolicy().catalogue[1].phases[0].type].undo)} (the undo of ${loadPolicy().catalogue[1].phases[0].type}) or null (never undone)` }]);
    expect(() => loadPolicy({ escalation: { levels: [{ level: 'N0', afterS: 60, who: 'a', channels: [] }, { level: 'N1', afterS: 60, who: 'b', channels: [] }] } }))
      .toThrow('policy.escalation.levels.1.afterS: must be greater than 60 (level N0)');
  });

  it('policy: an override merges over the defaults; a new trigger gets its defaults filled', () => {
    const p = loadPolicy({ scaling: { triggers: { rps_high: { metric: 'rps', threshold: 5000, durationS: 60, kind: 'horizontal' } } } });
    expect(Object.keys(p.scaling.triggers)).toContain('cpu_high');
    expect(p.scaling.triggers.rps_high).toMatchObject({ stat: 'mean', cooldownS: 900, enabled: true });
  });

  it('policy edits: never mutate the policy they start from', () => {
    const p = loadPolicy();
    const edit = setTrigger(p, { trigger: 'cpu_high', durationS: 60, cooldownS: 300 });
    expect(edit.status).toBe('applied');
    expect(edit.policy.scaling.triggers.cpu_high).toMatchObject({ durationS: 60, cooldownS: 300 });
    expect(p.scaling.triggers.cpu_high.durationS).toBe(300);
    expect(setPolicyPath(p, '/scaling/validation/windowS', 180).policy.scaling.validation.windowS).toBe(180);
    expect(setTrigger(p, { trigger: 'cpu_high' })).toMatchObject({ status: 'rejected' });
  });
});
