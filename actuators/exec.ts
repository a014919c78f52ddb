/**
 * The exec actuator: runs one command per action type (an argv template, no shell), records
 * its exit code, output and duration, and for a rollback runs the compensating command of the
 * action it undoes. A dry run renders the command and runs nothing (not even the probe's
 * effects: the probe only reads).
 *
 * A command may print the service's new state as a JSON object on its last line of stdout:
 * it becomes the result's `after` (e.g. {"instances": 3}); the optional probe command's JSON
 * becomes `before`, which is what the orchestrator's rollback restores.
 */
import { spawn } from 'node:child_process';
import type { Action } from '../runtime/contracts/control.js';
import { errorMessage } from '../runtime/errors.js';
import type { ExecActuatorConfig } from './config.js';
import { renderArgv, type TemplateContext } from './template.js';
import { revisionOf } from './ledger.js';
import { tail, type Applied, type Driver, type Outcome } from './types.js';

/** What one command did. */
export interface CommandRun {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
}

/** Wait this long for the output pipes to close after the process exited (a daemon it started may hold them). */
const PIPE_GRACE_MS = 500;

/**
 * Runs argv (no shell) with a timeout: SIGTERM at the deadline, SIGKILL 2 s later. Resolves
 * with what happened; a program that cannot start resolves with exitCode null and the reason in stderr.
 */
export function runCommand(argv: string[], opts: { timeoutMs: number; cwd?: string; env?: Record<string, string> }): Promise<CommandRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => { stdout = tail(stdout + d.toString(), 65_536); });
    child.stderr.on('data', (d: Buffer) => { stderr = tail(stderr + d.toString(), 65_536); });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); }, 2000).unref();
    }, opts.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ argv, exitCode, signal, timedOut, durationMs: Math.round(performance.now() - t0), stdout, stderr });
    };
    child.once('error', (err) => { stderr += `cannot run ${argv[0]}: ${err.message}`; finish(null, null); });
    child.once('exit', (code, signal) => {
      const done = (): void => finish(code, signal);
      const grace = setTimeout(done, PIPE_GRACE_MS);
      child.once('close', () => { clearTimeout(grace); done(); });
    });
  });
}

/** The JSON object on the last non-empty line of a command's stdout, if any. */
export function stateFrom(stdout: string): Record<string, unknown> {
  const last = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!last.startsWith('{')) return {};
  try {
    const v = JSON.parse(last) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch {
    return {}; // a line that merely starts with '{' is output, not state
  }
}

function describeRun(r: CommandRun, timeoutS: number): string {
  const line = (r.exitCode === 0 ? r.stdout : r.stderr || r.stdout).trim().split('\n').at(-1) ?? '';
  if (r.timedOut) return `${r.argv[0]} timed out after ${timeoutS} s (killed)`;
  if (r.exitCode === null && r.signal === null) return r.stderr.trim();
  const how = r.exitCode === null ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
  return `${r.argv[0]}: ${how} in ${r.durationMs} ms${line ? `: ${tail(line, 300)}` : ''}`;
}

/** Creates the exec driver of one configured actuator. */
export function createExecDriver(config: ExecActuatorConfig): Driver {
  const env = { ...config.env };
  const probe = async (ctx: TemplateContext): Promise<Record<string, unknown>> => {
    if (!config.probe) return {};
    const r = await runCommand(renderArgv(config.probe.run, ctx), { timeoutMs: config.timeoutS * 1000, cwd: config.cwd, env });
    return r.exitCode === 0 ? stateFrom(r.stdout) : {};
  };
  return {
    name: config.name,
    kind: 'exec',
    async run(action: Action, compensated: Applied | undefined): Promise<Outcome> {
      const undo = compensated ? config.commands[compensated.action.type]?.undo : undefined;
      const command = undo ? { run: undo, timeoutS: config.commands[compensated!.action.type].timeoutS } : config.commands[action.type];
      if (!command) return { status: 'failed', before: {}, after: {}, detail: `exec actuator '${config.name}' has no command for ${action.type}` };
      const fields = { ...action, revision: revisionOf(action) ?? '' } as unknown as Record<string, unknown>;
      const ctx: TemplateContext = {
        action: fields, params: action.params,
        ...(compensated ? { before: compensated.result.before, after: compensated.result.after } : {}),
      };
      let argv: string[];
      try {
        argv = renderArgv(command.run, ctx);
      } catch (err) {
        return { status: 'failed', before: {}, after: {}, detail: `exec actuator '${config.name}', ${action.type}: ${errorMessage(err)}` };
      }
      const before = await probe(ctx);
      if (action.dryRun) return { status: 'dry-run', before, after: before, detail: `dry run: would run ${JSON.stringify(argv)}` };
      const timeoutS = command.timeoutS ?? config.timeoutS;
      const r = await runCommand(argv, {
        timeoutMs: timeoutS * 1000, cwd: config.cwd,
        env: { ...env, VIGIL_ACTION: JSON.stringify(action), ...(compensated ? { VIGIL_COMPENSATES: JSON.stringify(compensated.action) } : {}) },
      });
      const exec = { argv, exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, durationMs: r.durationMs, stdout: tail(r.stdout), stderr: tail(r.stderr), ...(undo ? { compensating: true } : {}) };
      const ok = r.exitCode === 0 && !r.timedOut;
      return { status: ok ? 'applied' : 'failed', before, after: { ...before, ...(ok ? stateFrom(r.stdout) : {}), exec }, detail: describeRun(r, timeoutS) };
    },
  };
}
