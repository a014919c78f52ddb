/**
 * Escalation of one incident (seed 001 §3.3.1): N0 automatic → N1 15 min → N2 30 min →
 * N3 1 h → N4 2 h after the incident opened, by default (policies/defaults/escalation.json).
 *
 *   active (level N0..N4, next deadline in context) → acknowledged → resolved
 *          └──────────────────────────────────────────────────────→ resolved
 *
 * The table is copied into the context when the incident starts, so an incident keeps the
 * policy it started with even if the policy changes later. An acknowledgement stops the
 * escalation deadlines; a resolution ends the run. A failed automatic resolution (remediation
 * rolled back or escalated) moves to the next level at once when the table says so.
 * Deadlines fire on `TICK` (see machine-kit.ts).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { NoteEmitted, TickEvent } from './machine-kit.js';
import type { EscalationTable } from './schema.js';

/** One incident's escalation; times are event ms. */
export interface EscalationContext {
  incidentId: string;
  service: string;
  /** the table in force when the incident opened (pinned) */
  table: EscalationTable;
  openedAt: number;
  now: number;
  /** index into table.levels */
  level: number;
  /** when the next level is due (event time, ms); null at the top level or once acknowledged */
  nextAt: number | null;
  history: { level: string; at: number; reason: string }[];
  ack: { at: number; by: string } | null;
  resolvedAt: number | null;
}

/** Starts an escalation with the table in force now (copied: later policy changes do not apply). */
export interface EscalationInput { incidentId: string; service: string; table: EscalationTable; openedAt: number; now: number }

/** TICK (time moved), ACK / RESOLVE (operator or correlator), ESCALATE (automatic resolution failed). */
export type EscalationEvent =
  | TickEvent
  | { type: 'ACK'; now: number; by?: string }
  | { type: 'RESOLVE'; now: number }
  | { type: 'ESCALATE'; now: number; reason: string };

function dueAt(table: EscalationTable, openedAt: number, level: number): number | null {
  const next = table.levels[level + 1];
  return next ? openedAt + next.afterS * 1000 : null;
}

/** The escalation machine (see the file comment); emits a `note` `escalated` {level, who, channels, reason} per level reached. */
export const escalationMachine = setup({
  types: {
    context: {} as EscalationContext,
    events: {} as EscalationEvent,
    input: {} as EscalationInput,
    emitted: {} as NoteEmitted,
  },
  guards: {
    due: ({ context }) => context.nextAt !== null && context.now >= context.nextAt,
    canRaise: ({ context }) => context.table.onRemediationFailure === 'next-level' && context.level + 1 < context.table.levels.length,
  },
  actions: {
    setNow: assign(({ context, event }) => ({ now: Math.max(context.now, event.now) })),
    raise: enqueueActions(({ context, event, enqueue }) => {
      const level = context.level + 1;
      const l = context.table.levels[level];
      const reason = event.type === 'ESCALATE' ? event.reason : `not resolved ${l.afterS} s after opening`;
      enqueue.assign({
        level, nextAt: dueAt(context.table, context.openedAt, level),
        history: [...context.history, { level: l.level, at: context.now, reason }],
      });
      enqueue.emit({ type: 'note', event: 'escalated', detail: { level: l.level, who: l.who, channels: l.channels, reason } });
    }),
    acknowledge: assign(({ context, event }) => ({
      nextAt: null, ack: { at: context.now, by: event.type === 'ACK' ? event.by ?? 'operator' : 'operator' },
    })),
    close: assign(({ context }) => ({ nextAt: null, resolvedAt: context.now })),
  },
}).createMachine({
  id: 'escalation',
  context: ({ input }) => ({
    incidentId: input.incidentId, service: input.service, table: structuredClone(input.table), openedAt: input.openedAt,
    now: input.now, level: 0, nextAt: dueAt(input.table, input.openedAt, 0),
    history: [{ level: input.table.levels[0].level, at: input.now, reason: 'incident opened' }], ack: null, resolvedAt: null,
  }),
  initial: 'active',
  on: { TICK: { actions: 'setNow' } },
  states: {
    active: {
      on: {
        ACK: { target: 'acknowledged', actions: ['setNow', 'acknowledge'] },
        RESOLVE: { target: 'resolved', actions: ['setNow', 'close'] },
        ESCALATE: { guard: 'canRaise', actions: ['setNow', 'raise'] },
      },
      always: { guard: 'due', actions: 'raise' },
    },
    acknowledged: {
      on: { RESOLVE: { target: 'resolved', actions: ['setNow', 'close'] } },
    },
    resolved: { type: 'final' },
  },
});
