import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../runtime/log.js';
import { LiveState } from '../model/live-state.js';
import { startFeed } from './feed.js';
import { createDashboardServer } from './http.js';

export interface DashboardOptions {
  /** Loopback by default; anything else exposes the fleet's data to the network. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  pushMs?: number;
  log: Logger;
}

export interface Dashboard { url: string; state: LiveState; stop(): Promise<void> }

/**
 * Starts the live dashboard: a LiveState fed from NATS and the HTTP server that shows it.
 * `nc` should be a read-only connection (today: the operator's; see README).
 */
export async function startDashboard(nc: NatsConnection, opts: DashboardOptions): Promise<Dashboard> {
  const state = new LiveState();
  const feed = await startFeed(nc, state, opts.log);
  const host = opts.host ?? '127.0.0.1';
  const server = createDashboardServer(state, { pushMs: opts.pushMs, host });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`dashboard: cannot listen on ${host}:${opts.port ?? 0}: ${err.code ?? err.message}`)));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    url, state,
    stop: async () => {
      feed.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
