import { connect, type NatsConnection } from '@nats-io/transport-node';
import { TransientError, errorMessage } from '../errors.js';

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
 * Connects to NATS with a connection name (the agent id or the CLI's role), retrying for
 * ever on reconnect so that an agent rides out a server restart. Fails with a
 * TransientError that names the URL when the first connection cannot be made.
 */
export async function connectNats(target: NatsTarget, name: string, opts: { timeoutMs?: number } = {}): Promise<NatsConnection> {
  try {
    return await connect({
      servers: target.url,
      name,
      user: target.user,
      pass: target.password,
      timeout: opts.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      inboxPrefix: target.inboxPrefix ?? (target.user ? `_INBOX_${target.user}` : undefined),
    });
  } catch (err) {
    throw new TransientError(`cannot connect to NATS at ${target.url} as ${target.user ?? '(no user)'}: ${errorMessage(err)}`, { cause: err });
  }
}

/** True when a NATS server answers at `url` (no credentials needed to find out). */
export async function natsReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url.replace(/^nats:/, 'http:'));
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 4222) });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}
