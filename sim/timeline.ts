import type { EffectContext } from './action-effects.js';
import { endFault, startFault } from './faults.js';
import type { ServiceState } from './model/service-state.js';
import type { FaultSpec } from './scenario-schema.js';

/** A change the platform made (a deploy, a rollback): what a CI/CD feed would announce. */
export interface ChangeEvent { ts: number; service: string; kind: string; detail: string }

/** What happens at given event times: the scenario's faults and the actions' delayed effects. */
export interface Timeline extends EffectContext {
  /** Runs everything due at or before `ts` (faults first, then effects by time and order of scheduling). */
  runDue(ts: number): void;
  changes(): ChangeEvent[];
}

/** Creates the timeline of a run: faults fire at their atS (and heal after durationS, if given). */
export function createTimeline(faults: FaultSpec[], services: Map<string, ServiceState>, startTs: number): Timeline {
  const changeLog: ChangeEvent[] = [];
  const pending: { at: number; seq: number; fn: () => void }[] = [];
  let seq = 0;
  const plan = faults.map((f) => ({
    f, startAt: startTs + f.atS * 1000, endAt: f.durationS ? startTs + (f.atS + f.durationS) * 1000 : Infinity, started: false, ended: false,
  }));
  return {
    schedule: (at, fn) => { pending.push({ at, seq: seq++, fn }); },
    change: (ts, service, kind, detail) => { changeLog.push({ ts, service, kind, detail }); },
    changes: () => changeLog.map((c) => ({ ...c })),
    runDue(ts) {
      for (const x of plan) {
        const s = services.get(x.f.service)!;
        if (!x.started && x.startAt <= ts) {
          x.started = true;
          const ev = startFault(s, x.f, x.startAt);
          if (ev) changeLog.push({ ts: x.startAt, service: s.name, kind: ev.kind, detail: `deploy ${ev.version}` });
        }
        if (x.started && !x.ended && x.endAt <= ts) { x.ended = true; endFault(s, x.f); }
      }
      pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
      while (pending.length > 0 && pending[0].at <= ts) pending.shift()!.fn();
    },
  };
}
