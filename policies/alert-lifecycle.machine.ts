/**
 * The lifecycle of one alert (seed 002 §3.1):
 *
 *   active → acknowledged → resolved → closed
 *   plus false_positive (→ closed), suppressed (silenced; back to active when the silence
 *   ends), correlated (grouped into an incident).
 *
 * A repeat of the same alert while it is open only counts (`REPEAT`): de-duplication itself,
 * by service/metric/rule, is the alert book's job (alert-book.ts). A resolved alert closes
 * itself `closeAfterS` after resolution, on `TICK` (deadline in context, see machine-kit.ts).
 */
import { assign, setup } from 'xstate';
import type { AlertLevel } from '../runtime/contracts/index.js';
import type { TickEvent } from './machine-kit.js';

/** One alert: how often it fired, its worst level, the incident and silence it belongs to. Times are event ms. */
export interface AlertLifecycleContext {
  alertId: string;
  key: string;
  now: number;
  count: number;
  level: AlertLevel;
  firstSeen: number;
  lastSeen: number;
  incidentId: string | null;
  silenceId: string | null;
  resolvedAt: number | null;
  closeAt: number | null;
  closeAfterS: number;
  note: string | null;
}

/** A new alert: its id, its dedup key, its level and when it fired; resolved alerts close after closeAfterS (default 1 day). */
export interface AlertLifecycleInput { alertId: string; key: string; level: AlertLevel; now: number; closeAfterS?: number }

/** What can happen to an alert; every event carries its event time. */
export type AlertLifecycleEvent =
  | TickEvent
  | { type: 'REPEAT'; now: number; level: AlertLevel }
  | { type: 'ACK'; now: number; by?: string }
  | { type: 'RESOLVE'; now: number }
  | { type: 'CLOSE'; now: number }
  | { type: 'FALSE_POSITIVE'; now: number; note?: string }
  | { type: 'SUPPRESS'; now: number; silenceId: string }
  | { type: 'UNSUPPRESS'; now: number }
  | { type: 'CORRELATE'; now: number; incidentId: string };

const RANK: Record<AlertLevel, number> = { clear: 0, yellow: 1, red: 2 };

/** States in which an alert is still open: a repeat is the same alert (de-duplication). */
export const OPEN_STATES = ['active', 'acknowledged', 'suppressed', 'correlated'] as const;

/** The alert lifecycle machine (see the file comment). Pure: no actor, no timer, no side effect. */
export const alertLifecycleMachine = setup({
  types: {
    context: {} as AlertLifecycleContext,
    events: {} as AlertLifecycleEvent,
    input: {} as AlertLifecycleInput,
  },
  guards: {
    closeDue: ({ context }) => context.closeAt !== null && context.now >= context.closeAt,
  },
  actions: {
    setNow: assign(({ context, event }) => ({ now: Math.max(context.now, event.now) })),
    count: assign(({ context, event }) => {
      if (event.type !== 'REPEAT') return {};
      return { count: context.count + 1, lastSeen: context.now, level: RANK[event.level] > RANK[context.level] ? event.level : context.level };
    }),
    silence: assign(({ event }) => ({ silenceId: event.type === 'SUPPRESS' ? event.silenceId : null })),
    unsilence: assign({ silenceId: null }),
    correlate: assign(({ event }) => ({ incidentId: event.type === 'CORRELATE' ? event.incidentId : null })),
    resolve: assign(({ context }) => ({ resolvedAt: context.now, closeAt: context.now + context.closeAfterS * 1000, silenceId: null })),
    falsePositive: assign(({ context, event }) => ({
      note: event.type === 'FALSE_POSITIVE' ? event.note ?? 'false positive' : null, closeAt: context.now + context.closeAfterS * 1000,
    })),
  },
}).createMachine({
  id: 'alert',
  context: ({ input }) => ({
    alertId: input.alertId, key: input.key, now: input.now, count: 1, level: input.level, firstSeen: input.now,
    lastSeen: input.now, incidentId: null, silenceId: null, resolvedAt: null, closeAt: null,
    closeAfterS: input.closeAfterS ?? 86_400, note: null,
  }),
  initial: 'active',
  on: {
    TICK: { actions: 'setNow' },
    REPEAT: { actions: ['setNow', 'count'] },
  },
  states: {
    active: {
      on: {
        ACK: { target: 'acknowledged', actions: 'setNow' },
        RESOLVE: { target: 'resolved', actions: ['setNow', 'resolve'] },
        FALSE_POSITIVE: { target: 'false_positive', actions: ['setNow', 'falsePositive'] },
        SUPPRESS: { target: 'suppressed', actions: ['setNow', 'silence'] },
        CORRELATE: { target: 'correlated', actions: ['setNow', 'correlate'] },
      },
    },
    acknowledged: {
      on: {
        RESOLVE: { target: 'resolved', actions: ['setNow', 'resolve'] },
        FALSE_POSITIVE: { target: 'false_positive', actions: ['setNow', 'falsePositive'] },
        CORRELATE: { actions: ['setNow', 'correlate'] },
      },
    },
    suppressed: {
      on: {
        UNSUPPRESS: { target: 'active', actions: ['setNow', 'unsilence'] },
        SUPPRESS: { actions: ['setNow', 'silence'] }, // handed over to another silence
        RESOLVE: { target: 'resolved', actions: ['setNow', 'resolve'] },
        FALSE_POSITIVE: { target: 'false_positive', actions: ['setNow', 'falsePositive'] },
      },
    },
    correlated: {
      on: {
        ACK: { target: 'acknowledged', actions: 'setNow' },
        RESOLVE: { target: 'resolved', actions: ['setNow', 'resolve'] },
        FALSE_POSITIVE: { target: 'false_positive', actions: ['setNow', 'falsePositive'] },
        SUPPRESS: { target: 'suppressed', actions: ['setNow', 'silence'] },
      },
    },
    resolved: {
      on: { CLOSE: { target: 'closed', actions: 'setNow' } },
      always: { guard: 'closeDue', target: 'closed' },
    },
    false_positive: {
      on: { CLOSE: { target: 'closed', actions: 'setNow' } },
      always: { guard: 'closeDue', target: 'closed' },
    },
    closed: { type: 'final' },
  },
});
