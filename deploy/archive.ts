import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams } from '../runtime/contracts/index.js';
import { errorMessage } from '../runtime/errors.js';
import type { Retention } from './schema.js';

const decoder = new TextDecoder();

/**
 * Seed 004's retention: recent data stays hot in its JetStream stream for `maxAgeS`, and every
 * message is also appended to a JSON-lines file per stream and day under `archiveDir`
 * (`<dir>/<STREAM>/<YYYY-MM-DD>.jsonl`: seq, subject, time, data), so what leaves the stream is
 * not lost. The last archived sequence is kept beside them: a restart goes on where it stopped.
 */
export class StreamArchiver {
  readonly #running: ConsumerMessages[] = [];

  constructor(private readonly nc: NatsConnection, private readonly report: (line: string) => void) {}

  async start(retention: Partial<Record<keyof typeof Streams, Retention>>): Promise<void> {
    await this.stop();
    const js = jetstream(this.nc);
    for (const [key, r] of Object.entries(retention)) {
      if (!r?.archiveDir) continue;
      const stream = Streams[key as keyof typeof Streams].name;
      const dir = join(r.archiveDir, stream);
      mkdirSync(dir, { recursive: true });
      const seqFile = join(dir, '.last-seq');
      const last = existsSync(seqFile) ? Number(readFileSync(seqFile, 'utf8')) || 0 : 0;
      const consumer = await js.consumers.get(stream, last > 0 ? { opt_start_seq: last + 1 } : {});
      const messages = await consumer.consume();
      this.#running.push(messages);
      void (async () => {
        for await (const m of messages) {
          try {
            const time = new Date(m.info.timestampNanos / 1e6);
            const line = JSON.stringify({ seq: m.seq, subject: m.subject, time: time.toISOString(), data: decoder.decode(m.data) });
            appendFileSync(join(dir, `${time.toISOString().slice(0, 10)}.jsonl`), `${line}\n`);
            writeFileSync(seqFile, String(m.seq));
          } catch (err) {
            this.report(`archive ${stream}: ${errorMessage(err)}`);
          }
        }
      })();
    }
  }

  async stop(): Promise<void> {
    for (const m of this.#running.splice(0)) await m.close();
  }
}
