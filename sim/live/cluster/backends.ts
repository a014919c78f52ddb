/**
 * The file the instance controller writes and the load balancer reads: which instances serve
 * traffic, and which version they run. Written atomically (temp file + rename), so the
 * balancer never reads half a file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface Backends {
  /** version name (v1, v2...) */
  version: string;
  /** increases at every deploy: the `deploy_version` metric (a change marks a deploy) */
  versionNumber: number;
  /** base URLs of the instances in service */
  urls: string[];
}

/** Writes JSON through a temp file and a rename: a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`);
  renameSync(tmp, file);
}

export function writeBackends(file: string, b: Backends): void {
  writeJsonAtomic(file, b);
}

/** Reads the file; throws an Error naming it when it is missing or malformed. */
export function readBackends(file: string): Backends {
  const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<Backends>;
  if (typeof v.version !== 'string' || typeof v.versionNumber !== 'number' || !Array.isArray(v.urls) || !v.urls.every((u) => typeof u === 'string')) {
    throw new Error(`${file}: not a backends file ({version, versionNumber, urls[]})`);
  }
  return v as Backends;
}
