import { describe, expect, it } from 'vitest';
import { ScrapeTarget } from '../../../agents/base/collector/config.js';
import { parseActuatorsConfig } from '../../../actuators/config.js';
import { checkWithDefaults, describeProblems } from '../../../runtime/contracts/validate.js';
import { demoActuators, demoTarget } from '../../../sim/live/cluster/demo-setup.js';

// The live demo hands these to the collector (set-config) and the actuator at run time: a schema
// change that refuses them must fail here, in seconds, not minutes into `vigil demo live`.
describe('live demo setup', () => {
  it("the balancer target is a valid collector target", () => {
    const r = checkWithDefaults(ScrapeTarget, structuredClone(demoTarget('http://127.0.0.1:1234')));
    expect(r.ok, r.ok ? '' : describeProblems('demo target', r.problems)).toBe(true);
  });

  it('the exec actuator configuration is valid and covers the orchestrator\'s cluster actions', () => {
    const [a] = parseActuatorsConfig(structuredClone(demoActuators('/tmp/cluster')));
    expect(a.type).toBe('exec');
    expect(Object.keys(a.type === 'exec' ? a.commands : {})).toEqual(expect.arrayContaining(['scale-out', 'scale-in', 'restart', 'rollback-deploy']));
  });
});
