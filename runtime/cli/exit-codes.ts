/**
 * The CLI's exit-code convention, the same for every command (README "Exit codes"):
 *   0  the command did what it was asked
 *   1  the operation failed (NATS unreachable, an agent did not answer or refused, a run stalled)
 *   2  usage: a bad flag or argument, an unknown command, scenario, agent, incident or alert id
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** The operator asked for something that cannot be: a bad argument or an id nobody knows. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
