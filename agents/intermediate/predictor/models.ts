/** A least-squares line through (t seconds, value) points, expressed at the last point. */
export interface LinearFit {
  /** Fitted value at the last point's time. */
  level: number;
  slopePerS: number;
  /** Coefficient of determination, 0-1 (1 for a perfectly fitted, even flat, series). */
  r2: number;
}

/** Ordinary least squares over `points` ([tSeconds, value]); null with fewer than 2 distinct times. */
export function fitLine(points: ReadonlyArray<readonly [number, number]>): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  const tLast = points[n - 1][0];
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const [t, v] of points) {
    const x = t - tLast;
    sx += x; sy += v; sxx += x * x; sxy += x * v;
  }
  const denom = n * sxx - sx * sx;
  if (denom <= 0) return null;
  const slope = (n * sxy - sx * sy) / denom;
  const intercept = (sy - slope * sx) / n;
  const mean = sy / n;
  let ssTot = 0, ssRes = 0;
  for (const [t, v] of points) {
    const fitted = intercept + slope * (t - tLast);
    ssRes += (v - fitted) ** 2;
    ssTot += (v - mean) ** 2;
  }
  const scale = Math.max(1e-9, Math.abs(mean) * 1e-9);
  const r2 = ssTot <= scale ? (ssRes <= scale ? 1 : 0) : Math.max(0, 1 - ssRes / ssTot);
  return { level: intercept, slopePerS: slope, r2 };
}

/** Holt's double exponential smoothing on an irregular time axis (trend per second). */
export interface HoltState {
  level: number;
  trendPerS: number;
  lastT: number;
  points: number;
  /** Smoothed absolute one-step-ahead error, same unit as the series. */
  error: number;
}

/** Feeds one point to Holt's method; the second point initialises the trend exactly. */
export function holtStep(state: HoltState | null, t: number, v: number, alpha: number, beta: number): HoltState {
  if (!state) return { level: v, trendPerS: 0, lastT: t, points: 1, error: 0 };
  const dt = t - state.lastT;
  if (dt <= 0) return { ...state, level: v };
  if (state.points === 1) return { level: v, trendPerS: (v - state.level) / dt, lastT: t, points: 2, error: 0 };
  const forecast = state.level + state.trendPerS * dt;
  const level = alpha * v + (1 - alpha) * forecast;
  const trendPerS = beta * ((level - state.level) / dt) + (1 - beta) * state.trendPerS;
  const error = 0.7 * state.error + 0.3 * Math.abs(v - forecast);
  return { level, trendPerS, lastT: t, points: state.points + 1, error };
}
