import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDefinitions } from '../../agents/registry.js';
import { REPO_ROOT, startTestNats, type TestNats } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/wait.js';

const AGENT_MAIN = join(REPO_ROOT, 'dist', 'runtime', 'agent-main.js');

/** The publish allow-list of a user in nats.conf. */
function publishAllowed(user: string): string[] {
  const conf = readFileSync(join(REPO_ROOT, 'nats.conf'), 'utf8');
  const block = conf.split(`{ user: ${user},`)[1]?.split('subscribe:')[0] ?? '';
  return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** NATS subject matching: `*` is one token, a final `>` one or more. */
function covered(subject: string, allow: string[]): boolean {
  const tokens = subject.split('.');
  return allow.some((a) => {
    const pattern = a.split('.');
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] === '>') return tokens.length > i;
      if (i >= tokens.length || (pattern[i] !== '*' && pattern[i] !== tokens[i])) return false;
    }
    return pattern.length === tokens.length;
  });
}

describe('conformance: every agent of the registry', () => {
  let nats: TestNats;
  beforeAll(async () => { nats = await startTestNats(); });
  afterAll(async () => { await nats.stop(); });

  for (const def of agentDefinitions) {
    it(`${def.kind}: starts and stops cleanly twice on real NATS and answers $SRV.PING`, async () => {
      const nc = await nats.connect('operator');
      for (let round = 1; round <= 2; round++) {
        const child = spawn(process.execPath, [AGENT_MAIN, def.kind, `${def.kind}-c${round}`], {
          env: { ...process.env, VIGIL_NATS_URL: nats.url, VIGIL_NATS_USER: def.kind, VIGIL_NATS_PASSWORD: nats.creds[def.kind], VIGIL_LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d) => { stderr += d; });
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        const pong = await waitFor(`${def.kind} answering $SRV.PING`, async () => {
          try {
            return (await nc.request(`$SRV.PING.vigil-${def.kind}`, '', { timeout: 500 })).json<{ name: string; metadata: Record<string, string> }>();
          } catch {
            return undefined;
          }
        }, 15_000, 100);
        expect(pong.name).toBe(`vigil-${def.kind}`);
        expect(pong.metadata.agentId).toBe(`${def.kind}-c${round}`);
        child.kill('SIGTERM');
        expect(await exited, stderr).toBe(0);
      }
      await nc.close();
    }, 60_000);

    it(`${def.kind}: nats.conf lets its user publish every subject it declares, and nothing it does not need`, () => {
      const allow = publishAllowed(def.kind);
      for (const s of def.produces) expect(covered(s.subject(...s.params.map(() => 'x')), allow), `${def.kind} -> ${s.prefix}`).toBe(true);
      const mayDirect = covered('vigil.directive.base.detector.all', allow);
      const mayAct = covered('vigil.action.api', allow);
      expect(mayDirect).toBe(def.kind === 'orchestrator');
      expect(mayAct).toBe(def.kind === 'orchestrator');
    });
  }
});
