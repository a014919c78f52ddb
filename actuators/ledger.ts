/**
 * The actuator's memory: every action applied (idempotency by actionId) and the newest lease
 * revision seen (fencing). Kept in a JSON-lines file when one is given, so a restarted
 * actuator neither applies an action twice nor forgets which leader is current.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Action, ActionResult } from '../runtime/contracts/control.js';
import type { Applied } from './types.js';

type Line = { kind: 'applied'; action: Action; result: ActionResult } | { kind: 'revision'; revision: number };

/**
 * The lease revision an action was decided under (issue 9's fencing token), or null when the
 * publisher does not fence. One place reads it, so the field's name lives here only.
 */
export function revisionOf(action: Action): number | null {
  const r = (action as { leaseRevision?: unknown }).leaseRevision;
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : null;
}

export class Ledger {
  readonly #applied = new Map<string, Applied & { repeats: number }>();
  #revision = 0;

  /** @param file JSON-lines file to reload and append to; none: memory only */
  constructor(private readonly file?: string) {
    if (!file || !existsSync(file)) return;
    readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      if (text.trim() === '') return;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch (err) {
        throw new Error(`actuator ledger ${file}:${i + 1}: not JSON (${(err as Error).message})`);
      }
      if (line.kind === 'applied') this.#applied.set(line.action.actionId, { action: line.action, result: line.result, repeats: 0 });
      else if (line.kind === 'revision') this.#revision = Math.max(this.#revision, line.revision);
    });
  }

  get(actionId: string): (Applied & { repeats: number }) | undefined { return this.#applied.get(actionId); }

  record(action: Action, result: ActionResult): void {
    this.#applied.set(action.actionId, { action, result, repeats: 0 });
    this.#append({ kind: 'applied', action, result });
  }

  /** The newest revision seen so far (0 before any fenced action). */
  get revision(): number { return this.#revision; }

  /**
   * Fencing: null when the action may proceed (no revision, or one at least as new as any seen,
   * which becomes the newest); else why it is refused.
   */
  fence(action: Action): string | null {
    const r = revisionOf(action);
    if (r === null) return null;
    if (r < this.#revision) return `fenced: lease revision ${r} is older than ${this.#revision} (a newer orchestrator leads)`;
    if (r > this.#revision) { this.#revision = r; this.#append({ kind: 'revision', revision: r }); }
    return null;
  }

  entries(): (Applied & { repeats: number })[] { return [...this.#applied.values()]; }

  #append(line: Line): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}
