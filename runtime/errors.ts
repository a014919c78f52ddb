/**
 * The three kinds of failure vigil distinguishes (STYLE §7). Each carries a `cause`.
 * - ConfigError: the operator's input is wrong; fatal, exit code 78, never restarted.
 * - ContractError: we produced a message that breaks its schema; a bug, thrown.
 * - TransientError: the outside world hiccuped (NATS unreachable...); retry with backoff.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  static readonly exitCode = 78;
}

export class ContractError extends Error {
  override readonly name = 'ContractError';
}

export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** The message of any thrown value, for logs and replies. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
