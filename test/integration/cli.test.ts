import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCredentials, saveCredentials } from '../../runtime/supervisor/credentials.js';
import { runCli } from '../helpers/fleet.js';
import { REPO_ROOT } from '../helpers/nats-server.js';

/** The CLI without a fleet: what it answers before it needs NATS (port 1 never answers). */
describe('vigil CLI: version and usage exit codes', () => {
  const home = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const env = { home, url: 'nats://127.0.0.1:1' };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('vigil --version: prints the package version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const res = await runCli(env, ['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(version);
  });

  it('vigil: an unknown command, a missing argument or an unknown option exits 2', async () => {
    expect((await runCli(env, ['frobnicate'])).code).toBe(2);
    expect((await runCli(env, ['audit'])).code).toBe(2);
    expect((await runCli(env, ['ps', '--no-such-flag'])).code).toBe(2);
    expect((await runCli(env, ['--help'])).code).toBe(0);
  });

  it('vigil <command> --help: every command the full help lists loads on its own (main.ts loads one command per call)', async () => {
    const help = await runCli(env, ['--help']);
    const commands = [...help.stdout.split('Commands:')[1].matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['up', 'down', 'ps', 'sim', 'alert', 'approve', 'deny', 'audit', 'nats-conf', 'config']));
    const answers = await Promise.all(commands.map(async (command) => ({ command, res: await runCli(env, ['--home', home, command, '--help']) })));
    for (const { command, res } of answers) {
      expect(res.code, `vigil ${command} --help: ${res.stderr}`).toBe(0);
      expect(res.stdout, command).toContain(`Usage: vigil ${command}`);
    }
  }, 120_000);

  it('vigil sim run <unknown>: exit 2 and the known scenarios are listed', async () => {
    const res = await runCli(env, ['sim', 'run', 'no-such-scenario']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown scenario 'no-such-scenario'/);
    expect(res.stderr).toMatch(/cpu-spike/);
    expect(res.stderr).toMatch(/flash-crowd/);
  });

  it('vigil directive: a bad --to exits 2; vigil ps: NATS unreachable exits 1', async () => {
    expect((await runCli(env, ['directive', 'set-sensitivity', '--to', 'nobody', '--sensitivity', '0.5'])).code).toBe(2);
    saveCredentials(home, generateCredentials());
    const unreachable = await runCli(env, ['ps'], 30_000);
    expect(unreachable.code, unreachable.stderr).toBe(1);
  });
});
