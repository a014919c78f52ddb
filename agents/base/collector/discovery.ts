import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { errorMessage } from '../../../runtime/errors.js';
import type { FileSd } from './config.js';
import type { ResolvedTarget } from './scrape.js';

// yaml is loaded on first use: every agent process imports the registry, few read file_sd files.
const requireYaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

interface Group { targets: string[]; labels: Record<string, string> }
interface Cached { mtimeMs: number; size: number; groups: Group[]; problem?: string }

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Targets from Prometheus file_sd files (`[{targets: ["host:port"], labels: {...}}]`, JSON or
 * YAML). A file is read again when its modification time or size changes; a file that cannot
 * be read or parsed keeps its last good targets and is reported, and a bad entry is reported
 * and skipped, never the others.
 */
export class FileDiscovery {
  readonly #files = new Map<string, Cached>();

  targets(sources: readonly FileSd[], problem: (msg: string) => void): ResolvedTarget[] {
    const out: ResolvedTarget[] = [];
    for (const sd of sources) {
      for (const file of sd.files) {
        const cached = this.read(file);
        if (cached.problem) problem(cached.problem);
        cached.groups.forEach((g, gi) => {
          for (const address of g.targets) {
            const t = this.target(sd, g, address);
            if (typeof t === 'string') problem(`${file}: [${gi}] ${address}: ${t}`); else out.push(t);
          }
        });
      }
    }
    return out;
  }

  private read(file: string): Cached {
    const before = this.#files.get(file);
    let stat: { mtimeMs: number; size: number };
    try {
      stat = statSync(file);
    } catch (err) {
      return { mtimeMs: 0, size: 0, groups: before?.groups ?? [], problem: `${file}: ${errorMessage(err)}` };
    }
    if (before && before.mtimeMs === stat.mtimeMs && before.size === stat.size) return before;
    let next: Cached;
    try {
      next = { mtimeMs: stat.mtimeMs, size: stat.size, groups: parseGroups(readFileSync(file, 'utf8'), file) };
    } catch (err) {
      next = { mtimeMs: stat.mtimeMs, size: stat.size, groups: before?.groups ?? [], problem: errorMessage(err) };
    }
    this.#files.set(file, next);
    return next;
  }

  private target(sd: FileSd, g: Group, address: string): ResolvedTarget | string {
    if (!/^[^/\s:]+:\d{1,5}$/.test(address)) return 'not host:port';
    const service = g.labels[sd.serviceLabel] ?? g.labels.job ?? sd.service;
    if (!service) return `no '${sd.serviceLabel}' or 'job' label and no service in the configuration`;
    if (!TOKEN.test(service)) return `service '${service}' is not a name (letters, digits, _ -)`;
    const instance = g.labels.instance && TOKEN.test(g.labels.instance) ? g.labels.instance : address.replace(/[^A-Za-z0-9_-]/g, '-');
    const scheme = g.labels.__scheme__ ?? sd.scheme;
    const path = g.labels.__metrics_path__ ?? sd.metricsPath;
    return { service, instance, url: `${scheme}://${address}${path}`, headers: sd.headers, tls: sd.tls, metrics: sd.metrics };
  }
}

/** Parses a file_sd document; throws naming the file and the entry that is wrong. */
export function parseGroups(text: string, file: string): Group[] {
  let doc: unknown;
  try {
    doc = requireYaml().parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON or YAML: ${errorMessage(err)}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new Error(`${file}: expected a list of {targets, labels}`);
  return doc.map((g: unknown, i) => {
    const entry = g as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(entry?.targets) || !entry.targets.every((t) => typeof t === 'string')) {
      throw new Error(`${file}: [${i}].targets must be a list of "host:port" strings`);
    }
    const labels = entry.labels ?? {};
    if (typeof labels !== 'object' || Array.isArray(labels) || !Object.values(labels).every((v) => typeof v === 'string')) {
      throw new Error(`${file}: [${i}].labels must map names to strings`);
    }
    return { targets: entry.targets as string[], labels: labels as Record<string, string> };
  });
}
