import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { hostPort, serverList } from '../nats/connect.js';
import type { Credentials } from './credentials.js';
import type { ServerOptions } from './nats-server.js';

/** Route port of the node whose client port is `port`: 10,000 above, or below when that does not fit. */
export function routePort(port: number): number {
  return port + 10_000 <= 65_535 ? port + 10_000 : port - 10_000;
}

/** The client URLs of an n-node loopback cluster from the port of `url` up (`vigil up --cluster n`). */
export function clusterUrls(url: string, nodes: number): string {
  const [first] = serverList(url);
  const { host, port } = hostPort(first);
  if (!['127.0.0.1', 'localhost'].includes(host)) throw new ConfigError(`--cluster starts servers on this machine only: --nats-url must be a loopback URL, not ${first}`);
  return Array.from({ length: nodes }, (_, i) => `nats://127.0.0.1:${port + i}`).join(',');
}

/**
 * The options of one nats-server per loopback URL of `natsUrl`, joined in the cluster `vigil`
 * (routes on each client port + 10,000; JetStream store and log per node under `home`).
 */
export function clusterNodes(opts: { confPath: string; natsUrl: string; home: string; creds: Credentials }): ServerOptions[] {
  const ports = serverList(opts.natsUrl).map((s) => {
    const { host, port } = hostPort(s);
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new ConfigError(`no NATS server answers at ${s} and vigil only starts servers on this machine`);
    return port;
  });
  const routes = ports.map(routePort);
  return ports.map((port, i) => ({
    confPath: opts.confPath, port, creds: opts.creds,
    storeDir: join(opts.home, `jetstream-${i + 1}`), logFile: join(opts.home, `nats-server-${i + 1}.log`),
    cluster: { serverName: `vigil-${i + 1}`, port: routes[i], routes: routes.filter((_, j) => j !== i) },
  }));
}
