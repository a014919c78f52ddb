import { describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { OrchestratorPolicy } from '../../../policies/schema.js';
import { defaultPolicyData } from '../../../policies/load.js';

/**
 * Every constant of policies/defaults/*.json says what it means and why it has its value: JSON
 * holds no comments, so the line lives in the policy schema's description of the key (shown by
 * `vigil directive set-policy --help` and the README). The catalogue is data, not constants.
 */
function undescribed(schema: TSchema, value: unknown, path: string, inherited: boolean, out: string[]): void {
  const described = inherited || typeof schema.description === 'string';
  if (value === null || typeof value !== 'object') {
    if (!described) out.push(path);
    return;
  }
  if (Array.isArray(value)) return; // lists (levels, guards, metrics) are described as a whole
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const extra = (schema.patternProperties ? Object.values(schema.patternProperties)[0] : schema.additionalProperties) as TSchema | undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = props[k] ?? (typeof extra === 'object' ? extra : undefined);
    if (!sub) { out.push(`${path}/${k} (not in the schema)`); continue; }
    undescribed(sub, v, `${path}/${k}`, typeof schema.description === 'string' && !props[k], out);
  }
}

describe('policy defaults are explained', () => {
  it('every default constant has a description (what it means, why this value) in the policy schema; every trigger its why', () => {
    const data = defaultPolicyData() as Record<string, unknown>;
    const out: string[] = [];
    for (const [k, v] of Object.entries(data)) {
      if (k === 'catalogue') continue;
      if (k === 'scaling') {
        const { triggers, ...rest } = v as { triggers: Record<string, { why?: string }> };
        for (const [name, t] of Object.entries(triggers)) if (!t.why) out.push(`/scaling/triggers/${name}/why`);
        undescribed((OrchestratorPolicy.properties as Record<string, TSchema>)[k], rest, `/${k}`, false, out);
        continue;
      }
      undescribed((OrchestratorPolicy.properties as Record<string, TSchema>)[k], v, `/${k}`, false, out);
    }
    expect(out).toEqual([]);
  });
});
