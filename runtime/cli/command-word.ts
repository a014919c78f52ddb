/** The global options of main.ts that take a value (the word after them is not the command). */
const VALUED_OPTIONS = new Set(['--nats-url', '--home']);

/** The command word of `args` (after the global options), or null when there is none. */
export function commandWord(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    if (VALUED_OPTIONS.has(args[i])) { i++; continue; }
    if (!args[i].startsWith('-')) return args[i];
  }
  return null;
}
