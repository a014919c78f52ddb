import type { Command } from 'commander';
import { endpointSubject } from '../../contracts/index.js';
import { ConfigError, errorMessage } from '../../errors.js';
import { readRegistry } from '../../nats/registry.js';
import { cliEnv, output, withOperator } from '../context.js';

/** `vigil inspect <agent id or kind>`: the state and configuration of each matching live agent, from its service. */
export function registerInspect(program: Command): void {
  program.command('inspect')
    .argument('<target>', 'an agent id (detector-1) or a kind (detector)')
    .description("an agent's state and configuration, asked from its NATS service endpoints")
    .option('--timeout <ms>', 'how long to wait for each agent', '3000')
    .option('--json', 'print a JSON array of {agentId, kind, state, config}')
    .action(async (target: string, opts: { timeout: string; json?: boolean }, cmd: Command) => {
      const results = await withOperator(cliEnv(cmd), async (nc) => {
        const agents = (await readRegistry(nc)).filter((r) => r.status !== 'down' && (r.agentId === target || r.kind === target));
        if (agents.length === 0) throw new ConfigError(`no live agent matches '${target}': 'vigil ps' lists them`);
        return Promise.all(agents.map(async (a) => {
          const ask = async (endpoint: string): Promise<unknown> => {
            try {
              const reply = await nc.request(endpointSubject(a.kind, a.agentId, endpoint), '', { timeout: Number(opts.timeout) });
              return reply.json();
            } catch (err) {
              return { error: `${endpoint} did not answer: ${errorMessage(err)}` };
            }
          };
          return { agentId: a.agentId, kind: a.kind, state: await ask('state'), config: await ask('config') };
        }));
      });
      output(Boolean(opts.json), results, () => results.map((r) =>
        `== ${r.agentId} (${r.kind})\nstate:  ${JSON.stringify(r.state, null, 2)}\nconfig: ${JSON.stringify(r.config, null, 2)}`).join('\n\n'));
    });
}
