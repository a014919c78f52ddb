import { describe, expect, it } from 'vitest';
import { LeaseFence } from '../../../sim/lease-fence.js';

describe('lease fence (sim actuator)', () => {
  it('fence: refuses an action older than the current lease revision or than one already seen', () => {
    const f = new LeaseFence();
    expect(f.admit({ actionId: 'a', leaseRevision: 1 })).toBeNull();
    expect(f.admit({ actionId: 'b', leaseRevision: 2 })).toBeNull();
    expect(f.admit({ actionId: 'c', leaseRevision: 1 })).toMatch(/lease revision 1.*current one is 2/);
    f.observeLease(3);
    expect(f.admit({ actionId: 'd', leaseRevision: 2 })).toMatch(/newer orchestrator/);
    expect(f.admit({ actionId: 'e', leaseRevision: 3 })).toBeNull();
    expect(f.admit({ actionId: 'f' })).toMatch(/no lease revision/);
  });

  it('fence: before any lease is known, an action without a revision passes (an operator test action)', () => {
    expect(new LeaseFence().admit({ actionId: 'x' })).toBeNull();
  });
});
