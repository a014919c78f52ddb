/**
 * Progress of a long command on stderr: on a terminal one line rewritten in place (at most once
 * a second); otherwise (a log file, CI, a pipe) a full line every `everyS` seconds, so that a run
 * that takes a minute still says where it is. stdout stays the command's result.
 */
export interface Progress {
  /** A new progress line; printed when the cadence allows. */
  update(line: string): void;
  /** The run ended: the terminal line is closed, the last line printed. */
  end(line?: string): void;
}

export function progressOnStderr(opts: { quiet?: boolean; everyS?: number; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { update: () => undefined, end: () => undefined };
  if (stream.isTTY) {
    let shown = false;
    return {
      update: (line) => { shown = true; stream.write(`\r${line}`); },
      end: (line) => { if (line) stream.write(`\r${line}`); if (shown || line) stream.write('\n'); },
    };
  }
  const everyMs = (opts.everyS ?? 5) * 1000;
  let last = Number.NEGATIVE_INFINITY;
  return {
    update: (line) => {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      stream.write(`${line}\n`);
    },
    end: (line) => { if (line) stream.write(`${line}\n`); },
  };
}
