import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderNatsConf } from '../../security/nats-conf.js';
import { PACKAGE_ROOT } from '../../supervisor/supervisor.js';

/** The nats.conf the fleet runs on, at the package root. */
export const NATS_CONF_PATH = join(PACKAGE_ROOT, 'nats.conf');

/**
 * `vigil nats-conf`: prints the nats.conf generated from the agent registry and the contracts;
 * `--write` replaces the package's nats.conf with it; `--check` fails (exit 1) when they differ.
 */
export function registerNatsConf(program: Command): void {
  program.command('nats-conf')
    .description('print nats.conf as generated from the agent registry and the contracts (users and least-privilege permissions)')
    .option('--write [path]', `write it (default ${NATS_CONF_PATH})`)
    .option('--check [path]', 'exit 1 when the file differs from the generated text')
    .action((opts: { write?: string | boolean; check?: string | boolean }) => {
      const text = renderNatsConf();
      const pathOf = (v: string | boolean): string => (typeof v === 'string' ? v : NATS_CONF_PATH);
      if (opts.write !== undefined) {
        writeFileSync(pathOf(opts.write), text);
        process.stdout.write(`wrote ${pathOf(opts.write)}\n`);
        return;
      }
      if (opts.check !== undefined) {
        const path = pathOf(opts.check);
        if (readFileSync(path, 'utf8') === text) { process.stdout.write(`${path} is up to date\n`); return; }
        process.stderr.write(`${path} differs from the generated configuration: run 'vigil nats-conf --write'\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(text);
    });
}
