import { describe, expect, it } from 'vitest';
import { SeasonalModel, thresholdForSensitivity } from '../../../agents/base/detector/brains/index.js';
import { alerts, DAY, gaussian, series } from './synthetic.js';

const T = thresholdForSensitivity(0.5);
/** 2024-01-01 is a Monday: day d is a weekend day when d % 7 is 5 or 6. */
const weekend = (day: number): boolean => day % 7 === 5 || day % 7 === 6;

/** Weekdays: a working-hours plateau (80) over a floor (20); weekends: the floor all day. `holiday` is a weekday that looks like a Sunday. */
function weekly(weeks: number, holiday?: number): { values: number[]; times: number[] } {
  const g = gaussian(13);
  return series(weeks * 7 * DAY, (i) => {
    const day = Math.floor(i / DAY);
    const hour = ((i % DAY) * 24) / DAY;
    const busy = !weekend(day) && day !== holiday && hour >= 8 && hour < 18;
    return (busy ? 80 : 20) + 2 * g();
  });
}

/** The model's scores, 0 during the warm-up (it learns there all the same). */
function run(model: SeasonalModel, s: { values: number[]; times: number[] }, warmup: number): number[] {
  return s.values.map((v, i) => {
    const score = model.assess(v, s.times[i]).score;
    return i < warmup ? 0 : score;
  });
}

describe('seasonal period', () => {
  const holiday = 4 * 7 + 3; // the Thursday of week 5
  const s = weekly(6, holiday);
  const warmup = 2 * 7 * DAY;
  const holidayStart = holiday * DAY;

  it('seasonal auto: learns the week and flags a weekday that looks like a Sunday, and nothing else', () => {
    const found = alerts(run(new SeasonalModel({ period: 'auto' }), s, warmup), T);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i >= holidayStart && i < holidayStart + DAY)).toBe(true);
  });

  it('seasonal daily: a weekend day among the last seven matches the holiday, so a daily profile misses it', () => {
    const found = alerts(run(new SeasonalModel({ period: 'daily' }), s, warmup), T);
    expect(found.filter((i) => i >= holidayStart && i < holidayStart + DAY)).toEqual([]);
  });

  it('seasonal auto: a clean weekly pattern never flags, and the state says which profile scores', () => {
    const model = new SeasonalModel({ period: 'auto' });
    expect(alerts(run(model, weekly(5), warmup), T)).toEqual([]);
    const state = model.state() as { averageDayError: number; averageWeekError: number };
    expect(state.averageWeekError).toBeLessThan(0.8 * state.averageDayError);
  });

  it('seasonal auto: on a daily pattern the daily profile keeps scoring', () => {
    const model = new SeasonalModel({ period: 'auto' });
    const g = gaussian(3);
    const d = series(21 * DAY, (i) => ((i % DAY) >= 96 && (i % DAY) < 216 ? 80 : 20) + 2 * g());
    let last = model.assess(d.values[0], d.times[0]);
    for (let i = 1; i < d.values.length; i++) last = model.assess(d.values[i], d.times[i]);
    expect(last.explain()).toMatch(/daily profile/);
  });
});
