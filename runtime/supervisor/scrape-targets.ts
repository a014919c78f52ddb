import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, RegistryEntry, check } from '../contracts/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

/** One Prometheus file_sd target group: an agent's /metrics and the labels naming it. */
export interface TargetGroup { targets: string[]; labels: { agent: string; kind: string; tier: string } }

/** Where the supervisor writes the file_sd targets: `<home>/prometheus-targets.json`. */
export function scrapeTargetsPath(home: string): string {
  return join(home, 'prometheus-targets.json');
}

/** The file_sd groups for the live agents that announced a /metrics port, sorted by agent id. */
export function targetGroups(entries: Iterable<RegistryEntry>): TargetGroup[] {
  return [...entries]
    .filter((e) => e.status !== 'down' && e.metricsPort !== undefined)
    .sort((a, b) => a.agentId.localeCompare(b.agentId, 'en', { numeric: true }))
    .map((e) => ({ targets: [`127.0.0.1:${e.metricsPort}`], labels: { agent: e.agentId, kind: e.kind, tier: e.tier } }));
}

/**
 * Keeps `<home>/prometheus-targets.json` (Prometheus file_sd format) current from the agent
 * registry: an agent that starts, restarts on another port or stops changes the file, which
 * Prometheus re-reads by itself. Written whole and renamed into place, so it is never half read.
 */
export async function watchScrapeTargets(nc: NatsConnection, home: string, log: Logger): Promise<{ stop(): void }> {
  const kv = await new Kvm(nc).open(Buckets.agents);
  const entries = new Map<string, RegistryEntry>();
  const file = scrapeTargetsPath(home);
  let written = '';
  const write = (): void => {
    const text = `${JSON.stringify(targetGroups(entries.values()), null, 2)}\n`;
    if (text === written) return;
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    written = text;
  };
  write();
  const watcher = await kv.watch();
  void (async () => {
    for await (const e of watcher) {
      try {
        if (e.operation !== 'PUT') entries.delete(e.key);
        else {
          const result = check(RegistryEntry, e.json());
          if (result.ok) entries.set(e.key, result.value);
          else log.warn({ key: e.key, problems: result.problems }, 'invalid registry entry left out of the scrape targets');
        }
        write();
      } catch (err) {
        log.warn({ key: e.key, err: errorMessage(err) }, 'scrape targets not updated');
      }
    }
  })();
  return { stop: () => watcher.stop() };
}
