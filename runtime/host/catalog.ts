import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, CatalogEntry, check } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { scanBucket } from '../nats/kv-scan.js';
import type { CatalogView } from './define-agent.js';

const decoder = new TextDecoder();

/** The catalogue view of an agent, with `refresh` to read what changed at once (before a run). */
export interface LiveCatalog extends CatalogView {
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the service catalogue (KV bucket vigil-catalog) in memory: reads the bucket's new
 * messages every `pollMs` with direct gets (no consumer: agent roles have no consumer API,
 * DESIGN §7). Entries that fail the schema are logged and left out, never crash the agent.
 */
export async function watchCatalog(nc: NatsConnection, log: Logger, pollMs = 1000): Promise<LiveCatalog> {
  const jsm = await jetstreamManager(nc);
  const entries = new Map<string, CatalogEntry>();
  let next = 1;
  let reading: Promise<void> | null = null;
  const readNew = async (): Promise<void> => {
    const { entries: changes, next: after } = await scanBucket(jsm, Buckets.catalog, next);
    next = after;
    for (const e of changes) {
      if (e.operation !== 'PUT') { entries.delete(e.key); continue; }
      try {
        const result = check(CatalogEntry, JSON.parse(decoder.decode(e.data)));
        if (result.ok) entries.set(e.key, result.value);
        else log.warn({ key: e.key, problems: result.problems.slice(0, 5) }, 'invalid catalogue entry ignored');
      } catch (err) {
        log.warn({ key: e.key, err: errorMessage(err) }, 'unreadable catalogue entry ignored');
      }
    }
  };
  /** One read at a time; a caller during a read waits for it, then reads again. */
  const refresh = async (): Promise<void> => {
    while (reading) await reading;
    reading = readNew().finally(() => { reading = null; });
    await reading;
  };
  await refresh();
  const timer = setInterval(() => {
    if (reading) return;
    refresh().catch((err) => log.warn({ err: errorMessage(err) }, 'catalogue read failed'));
  }, pollMs);
  return {
    get: (service) => entries.get(service),
    all: () => [...entries.values()],
    refresh,
    stop: () => clearInterval(timer),
  };
}
