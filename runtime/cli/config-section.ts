import { readFileSync } from 'node:fs';
import { parseDocument } from '../../deploy/load.js';
import { ConfigError, errorMessage } from '../errors.js';

/**
 * Reads one top-level section of a vigil configuration file (the deployment file: JSON or YAML). Throws a ConfigError naming
 * the file when it cannot be read or parsed; `undefined` when the section is absent.
 */
export function readConfigSection(file: string, section: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${errorMessage(err)}`);
  }
  // The deployment file's reader: JSON, or YAML for .yaml/.yml, with ${VAR} from the environment.
  return parseDocument(text, file)[section];
}
