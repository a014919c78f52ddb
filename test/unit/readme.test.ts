import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentTableMarkdown } from '../../runtime/cli/commands/agents.js';

describe('README', () => {
  it('README: the agent table is the one generated from the registry', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.split('<!-- agents:begin -->')[1]?.split('<!-- agents:end -->')[0]?.trim();
    expect(table).toBe(agentTableMarkdown());
  });

  it('README: the Quick start has exactly two commands', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const quick = readme.split('## Quick start')[1].split('\n## ')[0];
    const block = quick.split('```sh')[1].split('```')[0].trim().split('\n');
    expect(block).toHaveLength(2);
  });
});
