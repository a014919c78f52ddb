import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../errors.js';

/**
 * Reads one top-level section of a vigil configuration file (JSON). Throws a ConfigError naming
 * the file when it cannot be read or parsed; `undefined` when the section is absent.
 */
export function readConfigSection(file: string, section: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${errorMessage(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${errorMessage(err)}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${file}: must hold a JSON object`);
  return (doc as Record<string, unknown>)[section];
}
