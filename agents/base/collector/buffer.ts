import type { Sample } from '../../../runtime/contracts/index.js';

/**
 * Samples kept while NATS is unreachable (DESIGN §4: buffered locally, bounded, counted).
 * When full, the oldest samples go first: recent data matters most after an outage.
 */
export class SampleBuffer {
  #samples: Sample[] = [];
  #dropped = 0;

  constructor(private readonly capacity: number) {}

  push(samples: readonly Sample[]): void {
    this.#samples.push(...samples);
    const over = this.#samples.length - this.capacity;
    if (over > 0) {
      this.#samples.splice(0, over);
      this.#dropped += over;
    }
  }

  /** Everything buffered, oldest first; the buffer is empty afterwards. */
  drain(): Sample[] {
    const out = this.#samples;
    this.#samples = [];
    return out;
  }

  size(): number { return this.#samples.length; }
  dropped(): number { return this.#dropped; }
}
