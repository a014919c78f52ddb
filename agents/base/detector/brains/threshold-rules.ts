/**
 * Threshold rules: yellow/red levels per metric, held for a period before they are
 * raised, with hysteresis so that a value hovering at a threshold does not flap.
 * Keyed per series (service/instance/metric); emits an event only when a series
 * changes level. Pure: time comes in with each observation.
 */
import { DEFAULT_RULES } from '../default-rules.js';

/** One metric's rule. Thresholds are in the metric's unit. */
export interface ThresholdRule {
  yellow: number;
  red: number;
  /** Seconds the breach must last before the level is raised (0 = at once). */
  holdS: number;
  /** `above` (default when red >= yellow) or `below` (default when red < yellow). */
  direction?: 'above' | 'below';
  /** Hysteresis: clear only once back past the threshold by this fraction of it; default 0.05. */
  clearMargin?: number;
  /** Seconds the value must stay recovered before the level is lowered; default holdS. */
  clearHoldS?: number;
}

/** Level of a series under its rule. */
export type RuleLevel = 'clear' | 'yellow' | 'red';

/** Identifies one series. */
export interface SeriesKey {
  service: string;
  instance: string;
  metric: string;
}

/** Emitted when a series changes level. */
export interface ThresholdEvent {
  level: RuleLevel;
  service: string;
  instance: string;
  metric: string;
  /** The value that completed the change. */
  value: number;
  /** The threshold crossed: the level's threshold when raised, the clear bound when lowered. */
  threshold: number;
  /** Event time (ms) at which the condition that caused the change started. */
  since: number;
  /** Event time (ms) of the change. */
  ts: number;
}

const LEVELS: RuleLevel[] = ['clear', 'yellow', 'red'];
/** No level change (shared: observe runs for every sample of every series). */
const NO_EVENTS: readonly ThresholdEvent[] = [];

/** The threshold of level 1 (yellow) or 2 (red). */
function thresholdOf(rule: Required<ThresholdRule>, level: number): number {
  return level === 2 ? rule.red : rule.yellow;
}

/** Whether `value` is past `limit` in the rule's direction. */
function isBeyond(rule: Required<ThresholdRule>, value: number, limit: number): boolean {
  return rule.direction === 'above' ? value > limit : value < limit;
}

/** Where a raised level clears: back past threshold `t` by the rule's margin. */
function clearBound(rule: Required<ThresholdRule>, t: number): number {
  return rule.direction === 'above' ? t - rule.clearMargin * Math.abs(t) : t + rule.clearMargin * Math.abs(t);
}

/** Moves series `s` to `level` and returns the event that says so. */
function change(s: SeriesState, key: SeriesKey, level: number, threshold: number, value: number, since: number, ts: number): ThresholdEvent[] {
  s.level = level;
  return [{ level: LEVELS[level], service: key.service, instance: key.instance, metric: key.metric, value, threshold, since, ts }];
}

/** One series under its rule: fields, not arrays (a detector holds one per series of every ruled metric). */
interface SeriesState {
  level: number;
  /** Since when the value is past yellow, and past red (null when it is not). */
  yellowSince: number | null;
  redSince: number | null;
  recoverSince: number | null;
}

/** Since when `s` is past the threshold of level 1 (yellow) or 2 (red). */
function breachSince(s: SeriesState, level: number): number | null {
  return level === 2 ? s.redSince : s.yellowSince;
}

/** Validates a rule and fills in its defaults; throws an Error naming the metric. */
export function normaliseRule(metric: string, rule: ThresholdRule): Required<ThresholdRule> {
  const { yellow, red, holdS } = rule;
  if (![yellow, red, holdS].every(Number.isFinite) || holdS < 0) {
    throw new Error(`threshold rule "${metric}": yellow, red and holdS must be finite numbers, holdS >= 0`);
  }
  const direction = rule.direction ?? (red < yellow ? 'below' : 'above');
  if (direction === 'above' ? red < yellow : red > yellow) {
    throw new Error(`threshold rule "${metric}": red (${red}) must be ${direction === 'above' ? '>=' : '<='} yellow (${yellow}) when alerting ${direction}`);
  }
  const clearMargin = rule.clearMargin ?? 0.05;
  const clearHoldS = rule.clearHoldS ?? holdS;
  if (!(clearMargin >= 0) || !(clearHoldS >= 0)) throw new Error(`threshold rule "${metric}": clearMargin and clearHoldS must be >= 0`);
  return { yellow, red, holdS, direction, clearMargin, clearHoldS };
}

/** Per-series yellow/red levels with hold and hysteresis. See the module comment. */
export class ThresholdRules {
  private readonly rules = new Map<string, Required<ThresholdRule>>();
  private readonly series = new Map<string, SeriesState>();

  /** `rules` defaults to seed 001 §1.3 ({@link DEFAULT_RULES}). */
  constructor(rules: Readonly<Record<string, Readonly<ThresholdRule>>> = DEFAULT_RULES) {
    for (const [metric, rule] of Object.entries(rules)) this.setRule(metric, rule);
  }

  /** Adds or replaces a metric's rule (for `set-threshold` directives); series keep their level. */
  setRule(metric: string, rule: ThresholdRule): void {
    this.rules.set(metric, normaliseRule(metric, rule));
  }

  /** The rule in force for `metric`, if any. */
  getRule(metric: string): Required<ThresholdRule> | undefined {
    return this.rules.get(metric);
  }

  /**
   * Feeds one sample of a series. Returns the level changes it causes (zero or one
   * event); a metric without a rule or a non-finite value gives none.
   */
  observe(key: SeriesKey, value: number, ts: number, id = `${key.service}/${key.instance}/${key.metric}`): readonly ThresholdEvent[] {
    const rule = this.rules.get(key.metric);
    if (!rule || !Number.isFinite(value)) return NO_EVENTS;
    let s = this.series.get(id);
    if (!s) this.series.set(id, (s = { level: 0, yellowSince: null, redSince: null, recoverSince: null }));
    s.yellowSince = isBeyond(rule, value, rule.yellow) ? (s.yellowSince ?? ts) : null;
    s.redSince = isBeyond(rule, value, rule.red) ? (s.redSince ?? ts) : null;
    for (let l = 2; l > s.level; l--) {
      const since = breachSince(s, l);
      if (since !== null && ts - since >= rule.holdS * 1000) {
        s.recoverSince = null;
        return change(s, key, l, thresholdOf(rule, l), value, since, ts);
      }
    }
    if (s.level === 0) return NO_EVENTS;
    if (isBeyond(rule, value, clearBound(rule, thresholdOf(rule, s.level)))) {
      s.recoverSince = null;
      return NO_EVENTS;
    }
    s.recoverSince ??= ts;
    if (ts - s.recoverSince < rule.clearHoldS * 1000) return NO_EVENTS;
    const since = s.recoverSince;
    s.recoverSince = null;
    const lower = s.level === 2 && isBeyond(rule, value, clearBound(rule, rule.yellow)) ? 1 : 0;
    return change(s, key, lower, clearBound(rule, thresholdOf(rule, s.level)), value, since, ts);
  }

  /** Rules in force and the level of every series seen. */
  state(): { rules: Record<string, Required<ThresholdRule>>; series: Record<string, { level: RuleLevel; recoverSince: number | null }> } {
    return {
      rules: Object.fromEntries(this.rules),
      series: Object.fromEntries([...this.series].map(([id, s]) => [id, { level: LEVELS[s.level], recoverSince: s.recoverSince }])),
    };
  }
}
