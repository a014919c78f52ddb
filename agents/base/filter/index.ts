import { Type } from '@sinclair/typebox';
import { Subjects } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { cleanBatch, metaFor } from './brain.js';

/** Filter: raw samples -> canonical units, invalid samples to the DLQ, catalogue metadata. */
export default defineAgent({
  kind: 'filter',
  tier: 'base',
  description: 'normalises units, rejects invalid samples to the DLQ, enriches from the service catalogue',
  consumes: [Subjects.raw],
  produces: [Subjects.clean],
  clock: 'upstream',
  config: Type.Object({}, { additionalProperties: false }),
  start({ bus, catalog, counters }) {
    bus.on(Subjects.raw, (batch, { service }) => {
      const { clean, rejected } = cleanBatch(service ?? batch.service, batch.samples);
      for (const r of rejected) {
        bus.dlq(Subjects.raw.subject(batch.service), r.sample, r.reason);
      }
      counters.rejected = (counters.rejected ?? 0) + rejected.length;
      counters.samples = (counters.samples ?? 0) + clean.length;
      if (clean.length > 0) bus.emit(Subjects.clean, [batch.service], { service: batch.service, meta: metaFor(catalog.get(batch.service)), samples: clean });
    });
    return { inspect: () => ({ samples: counters.samples ?? 0, rejected: counters.rejected ?? 0, catalogue: catalog.all().length }) };
  },
});
