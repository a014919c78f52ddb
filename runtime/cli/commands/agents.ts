import type { Command } from 'commander';
import { agentDefinitions, upstreamKinds } from '../../../agents/registry.js';
import { output, table } from '../context.js';

/** The agent table of the README, generated from the registry (tier, consumes, produces). */
export function agentTableMarkdown(): string {
  const rows = agentDefinitions.map((d) => `| ${d.kind} | ${d.tier} | ${d.consumes.map((s) => `\`${s.filter}\``).join(', ')} | ${d.produces.map((s) => `\`${s.filter}\``).join(', ') || '(state only)'} | ${d.description} |`);
  return ['| agent | tier | consumes | produces | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `vigil agents`: every agent kind of the registry, its tier, inputs, outputs and clock source. */
export function registerAgents(program: Command): void {
  program.command('agents')
    .description('list the agent kinds: tier, subjects consumed and produced (from the registry)')
    .option('--markdown', 'print the README table')
    .option('--json', 'print a JSON array')
    .action((opts: { markdown?: boolean; json?: boolean }) => {
      if (opts.markdown) { process.stdout.write(`${agentTableMarkdown()}\n`); return; }
      const rows = agentDefinitions.map((d) => ({
        kind: d.kind, tier: d.tier, consumes: d.consumes.map((s) => s.filter), produces: d.produces.map((s) => s.filter),
        clock: d.clock === 'self' ? 'own source' : `watermarks of ${upstreamKinds(d).join(', ')}`, description: d.description,
      }));
      output(Boolean(opts.json), rows, () => table(['KIND', 'TIER', 'CONSUMES', 'PRODUCES', 'CLOCK'], rows.map((r) => [r.kind, r.tier, r.consumes.join(' '), r.produces.join(' '), r.clock])));
    });
}
