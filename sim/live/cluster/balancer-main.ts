#!/usr/bin/env node
/**
 * Entry of the demo's load balancer: `node dist/sim/live/cluster/balancer-main.js --backends FILE
 * [--port N]`. Binds 127.0.0.1 only, prints its URL (one line) and runs until SIGTERM.
 */
import { startBalancer } from './balancer.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
  const backendsFile = value('--backends');
  const port = Number(value('--port') ?? 0);
  if (!backendsFile || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('usage: balancer-main --backends FILE [--port N]\n');
    process.exit(78);
  }
  const lb = await startBalancer({ backendsFile, port });
  process.stdout.write(`${lb.url}\n`);
  const stop = (): void => { lb.close().finally(() => process.exit(0)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
