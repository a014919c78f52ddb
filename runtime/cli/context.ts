import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_NATS_URL, connectNats, type NatsConnection } from '../nats/connect.js';
import { loadCredentials } from '../supervisor/credentials.js';
import { readFleetFile } from '../supervisor/fleet-file.js';

/** Where the CLI finds the fleet: the state folder and the NATS URL. */
export interface CliEnv { home: string; natsUrl: string }

/**
 * Resolves the fleet location from, in order: command-line flags, the environment
 * (VIGIL_HOME, VIGIL_NATS_URL), the running fleet's fleet.json, the defaults.
 */
export function cliEnv(cmd: Command): CliEnv {
  const opts = cmd.optsWithGlobals<{ home?: string; natsUrl?: string }>();
  const home = resolve(opts.home ?? process.env.VIGIL_HOME ?? '.vigil');
  const natsUrl = opts.natsUrl ?? process.env.VIGIL_NATS_URL ?? readFleetFile(home)?.natsUrl ?? DEFAULT_NATS_URL;
  return { home, natsUrl };
}

/** Connects as the operator: VIGIL_NATS_USER/VIGIL_NATS_PASSWORD if set, else the fleet's credentials. */
export async function connectOperator(env: CliEnv): Promise<NatsConnection> {
  const user = process.env.VIGIL_NATS_USER;
  const password = process.env.VIGIL_NATS_PASSWORD;
  if (user && password) return connectNats({ url: env.natsUrl, user, password }, 'vigil-cli');
  const creds = loadCredentials(env.home);
  return connectNats({ url: env.natsUrl, user: 'operator', password: creds.operator }, 'vigil-cli');
}

/** Runs `fn` with an operator connection and always closes it. */
export async function withOperator<T>(env: CliEnv, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connectOperator(env);
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

/** Prints either one JSON document (--json) or the human text. */
export function output(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/** Formats rows as an aligned text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
