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
      if (service !== undefined && service !== batch.service) {
        bus.dlq(Subjects.raw.subject(service), { service: batch.service }, `batch of service '${batch.service}' on the subject of '${service}'`);
        return;
      }
      const { clean, rejected } = cleanBatch(batch, metaFor(catalog.get(batch.service)));
      for (const r of rejected) bus.dlq(Subjects.raw.subject(batch.service), r.sample, r.reason);
      counters.rejected = (counters.rejected ?? 0) + rejected.length;
      if (!clean) return;
      counters.samples = (counters.samples ?? 0) + clean.value.length;
      bus.emit(Subjects.clean, [batch.service], clean);
    });
    return { inspect: () => ({ samples: counters.samples ?? 0, rejected: counters.rejected ?? 0, catalogue: catalog.all().length }) };
  },
});
