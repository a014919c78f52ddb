import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** The NATS users of nats.conf: one per agent kind, plus the operator (CLI, supervisor, simulator). */
export const ROLES = ['collector', 'filter', 'detector', 'aggregator', 'correlator', 'predictor', 'strategist', 'analyst', 'orchestrator', 'operator'] as const;
export type Role = (typeof ROLES)[number];
export type Credentials = Record<Role, string>;

/**
 * Fresh random passwords for every role (one run of the fleet). nats-server parses an
 * environment variable's value as a config value, so a password must read as a plain
 * string: letters first, then hex (a leading digit or '-' would parse as a number).
 */
export function generateCredentials(): Credentials {
  return Object.fromEntries(ROLES.map((r) => [r, `pw${randomBytes(20).toString('hex')}`])) as Credentials;
}

/** The environment nats-server needs to read nats.conf: VIGIL_PW_<ROLE>. */
export function serverEnv(creds: Credentials): Record<string, string> {
  return Object.fromEntries(ROLES.map((r) => [`VIGIL_PW_${r.toUpperCase()}`, creds[r]]));
}

export function credentialsPath(home: string): string { return join(home, 'credentials.json'); }

/** Writes the credentials readable by the owner only. */
export function saveCredentials(home: string, creds: Credentials): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(credentialsPath(home), JSON.stringify(creds, null, 2), { mode: 0o600 });
  chmodSync(credentialsPath(home), 0o600);
}

/** Reads the credentials of a running fleet; ConfigError saying what to do when missing. */
export function loadCredentials(home: string): Credentials {
  const path = credentialsPath(home);
  if (!existsSync(path)) {
    throw new ConfigError(`no credentials at ${path}: start the fleet with 'vigil up', or set VIGIL_NATS_USER and VIGIL_NATS_PASSWORD (or VIGIL_HOME)`);
  }
  const creds = JSON.parse(readFileSync(path, 'utf8')) as Partial<Credentials>;
  for (const r of ROLES) if (typeof creds[r] !== 'string') throw new ConfigError(`${path}: no password for role '${r}'`);
  return creds as Credentials;
}
