import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ConfigError, TransientError, errorMessage } from '../errors.js';

export type { NatsConnection };

/** Where and as whom a process connects. */
export interface NatsTarget {
  url: string;
  user?: string;
  password?: string;
  /** Prefix of the reply subjects this process listens on; default `_INBOX_<user>` (nats.conf lets a role read only its own). */
  inboxPrefix?: string;
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * The servers of a NATS URL that may list several, comma-separated (a cluster:
 * `nats://a:4222,nats://b:4222`). Each must be a nats:// (or tls://) URL with a host; the
 * error names the one that is not.
 */
export function serverList(url: string): string[] {
  const servers = url.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new ConfigError(`NATS URL '${url}': no server in it`);
  for (const s of servers) {
    let parsed: URL;
    try {
      parsed = new URL(s.replace(/^(nats|tls):/, 'http:'));
    } catch {
      throw new ConfigError(`NATS URL '${s}' (in '${url}') is not a URL: expected nats://host:port`);
    }
    if (!/^(nats|tls):\/\//.test(s) || parsed.hostname === '') throw new ConfigError(`NATS URL '${s}' (in '${url}'): expected nats://host:port`);
  }
  return servers;
}

/** Host and port of one server URL. */
export function hostPort(server: string): { host: string; port: number } {
  const u = new URL(server.replace(/^(nats|tls):/, 'http:'));
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 4222) };
}

/**
 * Connects to NATS with a connection name (the agent id or the CLI's role), retrying for
 * ever on reconnect so that an agent rides out a server restart. Fails with a
 * TransientError that names the URL when the first connection cannot be made.
 */
export async function connectNats(target: NatsTarget, name: string, opts: { timeoutMs?: number } = {}): Promise<NatsConnection> {
  try {
    return await connect({
      servers: serverList(target.url),
      name,
      user: target.user,
      pass: target.password,
      timeout: opts.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      inboxPrefix: target.inboxPrefix ?? (target.user ? `_INBOX_${target.user}` : undefined),
      // No Error (with its stack) made ahead of every request for a call site that only a timeout
      // would show: a KV write or durable publish is a request, and the orchestrator spent ~5 % of
      // its CPU building them (vigil logs an error's message, not its stack).
      noAsyncTraces: true,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new TransientError(`cannot connect to NATS at ${target.url} as ${target.user ?? '(no user)'}: ${errorMessage(err)}`, { cause: err });
  }
}

/** True when a NATS server answers at `url`, or at any server of a list (no credentials needed to find out). */
export async function natsReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const answers = await Promise.all(serverList(url).map((s) => serverAnswers(s, timeoutMs)));
  return answers.some(Boolean);
}

async function serverAnswers(server: string, timeoutMs: number): Promise<boolean> {
  const { host, port } = hostPort(server);
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}
