import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1: the kernel picks it, the probe closes at once (the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be bound on 127.0.0.1 now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * `count` client ports for a loopback cluster, each free with its route port (+10,000, see
 * supervisor/nats-cluster.ts), all below the kernel's ephemeral range (32,768 and up on Linux).
 * The nodes bind one after another: a port from the ephemeral range may meanwhile become the
 * source port of an earlier node's outgoing route connection, and the next node fails to start.
 */
export async function freeClusterPorts(count: number): Promise<number[]> {
  const out: number[] = [];
  for (let tries = 0; out.length < count; tries++) {
    if (tries > 1000) throw new Error(`no ${count} free cluster ports below 32768 on 127.0.0.1`);
    const port = 20_000 + Math.floor(Math.random() * 2_700);
    if (out.includes(port) || !(await canBind(port)) || !(await canBind(port + 10_000))) continue;
    out.push(port);
  }
  return out;
}
