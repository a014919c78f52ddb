/**
 * Which channels hear a notice. Escalated: the channels that list the level, or (no list) that
 * the escalation table's labels for the level name. Acknowledged / resolved: the channels that
 * heard the incident escalate. Approvals: the channels with `approvals` on. Pure, apart from
 * the memory of which channels heard which incident.
 */
import type { ChannelConfig } from './config.js';
import type { Notice } from './notice.js';

export class Router {
  /** incident key -> channel names that were told it escalated */
  readonly #told = new Map<string, Set<string>>();

  constructor(private readonly channels: readonly ChannelConfig[]) {}

  route(n: Notice): ChannelConfig[] {
    if (n.kind === 'escalated') {
      const hit = this.channels.filter((c) => (c.levels ? c.levels.includes(n.level ?? '') : (n.labels ?? []).includes(c.name)));
      const told = this.#told.get(n.key) ?? new Set<string>();
      for (const c of hit) told.add(c.name);
      this.#told.set(n.key, told);
      return hit;
    }
    if (n.kind === 'acknowledged' || n.kind === 'resolved') {
      const told = this.#told.get(n.key);
      if (n.kind === 'resolved') this.#told.delete(n.key);
      return told ? this.channels.filter((c) => told.has(c.name)) : [];
    }
    return this.channels.filter((c) => c.approvals);
  }
}
