import { pino, destination, type Logger } from 'pino';

export type { Logger };

/**
 * The root logger of a process: pino JSON lines on stderr (stdout is kept for the CLI's
 * output), level from the `level` argument (VIGIL_LOG_LEVEL is read by the entry points).
 */
export function createLogger(bindings: Record<string, unknown>, level = 'info'): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } }, destination(2));
}
