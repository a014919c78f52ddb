import type { KV } from '@nats-io/kv';
import { CatalogEntry, check } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { CatalogView } from './define-agent.js';

/**
 * Keeps the service catalogue (KV bucket vigil-catalog) in memory, current through a KV
 * watch. Entries that fail the schema are logged and left out, never crash the agent.
 */
export async function watchCatalog(kv: KV, log: Logger): Promise<CatalogView & { stop(): void }> {
  const entries = new Map<string, CatalogEntry>();
  const watcher = await kv.watch();
  void (async () => {
    for await (const e of watcher) {
      if (e.operation !== 'PUT') { entries.delete(e.key); continue; }
      try {
        const result = check(CatalogEntry, e.json());
        if (result.ok) entries.set(e.key, result.value);
        else log.warn({ key: e.key, problems: result.problems }, 'invalid catalogue entry ignored');
      } catch (err) {
        log.warn({ key: e.key, err: errorMessage(err) }, 'unreadable catalogue entry ignored');
      }
    }
  })();
  return {
    get: (service) => entries.get(service),
    all: () => [...entries.values()],
    stop: () => watcher.stop(),
  };
}
