import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** vigil's version: the `version` of the nearest package.json above this module (source or dist). */
function readVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  }
  throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
}

export const VERSION = readVersion();
