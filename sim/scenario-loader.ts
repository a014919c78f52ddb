import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWithDefaults, describeProblems } from '../runtime/contracts/validate.js';
import { ScenarioFile, type Scenario } from './scenario-schema.js';
import { checkScenarioSemantics } from './scenario-check.js';
import { readTraceCsv } from './load/nab-trace.js';

/** The repository root: the nearest folder above this module holding package.json (works from sim/ and dist/sim/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`sim: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Folder of the shipped scenarios (sim/scenarios under the repo root; JSON is not copied to dist). */
export function scenariosDir(): string {
  return join(repoRoot(), 'sim', 'scenarios');
}

/**
 * Validates a parsed scenario document (fills defaults in place) and resolves it. Pure apart
 * from `traces`, which the caller supplies (file as written in the scenario -> values).
 * Throws an Error naming `source` and each bad path, e.g.
 * `sim/scenarios/x.json: scenario.services.0.capacityRps: must be > 0`.
 */
export function parseScenario(doc: unknown, source: string, traces: Record<string, number[]> = {}, seed?: number): Scenario {
  const checked = checkWithDefaults(ScenarioFile, doc);
  if (!checked.ok) throw new Error(describeProblems(`${source}: scenario`, checked.problems));
  const file = checked.value;
  const problems = checkScenarioSemantics(file);
  if (problems.length > 0) throw new Error(describeProblems(`${source}: scenario`, problems));
  for (const e of file.load.events) {
    if (e.type === 'replay' && e.file && !traces[e.file]) throw new Error(`${source}: scenario.load.events: trace '${e.file}' was not read`);
  }
  return { ...file, seed: seed ?? file.seed, source, startMs: Date.parse(file.startTs), traces };
}

/**
 * Reads a scenario by name (sim/scenarios/<name>.json) or by path, validates it and reads its
 * replay traces (paths relative to the repo root). `opts.seed` overrides the file's seed.
 * Throws an Error naming the file and the path of every problem.
 */
export function loadScenario(nameOrPath: string, opts: { seed?: number } = {}): Scenario {
  const root = repoRoot();
  const byName = !nameOrPath.includes('/') && !nameOrPath.includes('\\') && !nameOrPath.endsWith('.json');
  const path = byName ? join(scenariosDir(), `${nameOrPath}.json`) : resolve(nameOrPath);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read scenario: ${(err as Error).message}`, { cause: err });
  }
  const traces: Record<string, number[]> = {};
  const events = (doc as { load?: { events?: { type?: string; file?: unknown }[] } })?.load?.events;
  for (const e of Array.isArray(events) ? events : []) {
    if (e?.type !== 'replay' || typeof e.file !== 'string' || traces[e.file]) continue;
    const tracePath = isAbsolute(e.file) ? e.file : join(root, e.file);
    traces[e.file] = readTraceCsv(tracePath, path);
  }
  return parseScenario(doc, path, traces, opts.seed);
}
