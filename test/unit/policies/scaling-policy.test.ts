import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../policies/load.js';
import { scalingPolicyFor } from '../../../policies/scaling-policy.js';
import type { CatalogEntry } from '../../../runtime/contracts/index.js';

const entry = (over: Partial<CatalogEntry> = {}): CatalogEntry => ({ service: 'api', tier: 'backend', criticality: 'medium', dependsOn: [], maxInstances: 8, ...over } as CatalogEntry);

describe('scaling policy of a service', () => {
  it('the catalogue bounds under the operator\'s own; the same policy and entry give the same object, a new entry a new answer', () => {
    const policy = loadPolicy().scaling;
    const api = entry();
    const first = scalingPolicyFor(policy, 'api', api);
    expect(first?.services.api).toMatchObject({ maxInstances: 8 });
    expect(scalingPolicyFor(policy, 'api', api)).toBe(first);
    expect(scalingPolicyFor(policy, 'api', entry({ maxInstances: 12 }))?.services.api).toMatchObject({ maxInstances: 12 }); // the catalogue changed
    const operator = { ...policy, services: { api: { maxInstances: 3 } } };
    expect(scalingPolicyFor(operator, 'api', api)?.services.api).toMatchObject({ maxInstances: 3 }); // set-policy wins
    expect(scalingPolicyFor(policy, 'partner', entry({ service: 'partner', tier: policy.unscaledTiers[0] }))).toBeNull();
  });
});
