#!/usr/bin/env node
/**
 * Entry of the live billable API: `node dist/sim/live/billable-api.js --port N
 * [--unit-price P] [--error-rate R] [--latency-ms MS] [--seed S]`. Binds 127.0.0.1 only,
 * prints its URL (one line, e.g. `http://127.0.0.1:41234`) and runs until SIGTERM or SIGINT.
 */
import { parseBillableApiArgs, startBillableApi, type BillableApiOptions } from './server.js';

async function main(): Promise<void> {
  let opts: BillableApiOptions;
  try {
    opts = parseBillableApiArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(78);
  }
  const api = await startBillableApi(opts);
  process.stdout.write(`${api.url}\n`);
  const stop = (): void => { api.close().finally(() => process.exit(0)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
