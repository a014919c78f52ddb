/** A small line chart as inline SVG (for the report: no script, prints as vectors). */
export interface SvgSeries { label: string; colour: string; values: (number | null)[] }
export interface SvgMark { t: number; label: string; colour: string }

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!));
const W = 640;
const H = 170;
const PAD = { l: 48, r: 12, t: 22, b: 24 };

function niceMax(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= x)!;
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** Plots series against event times `t` (ms) with vertical marks for actions. */
export function lineChartSvg(title: string, t: number[], series: SvgSeries[], marks: SvgMark[] = []): string {
  if (t.length === 0) return `<p class="empty">${esc(title)}: no data</p>`;
  const t0 = t[0];
  const t1 = Math.max(t[t.length - 1], t0 + 1);
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)))));
  const x = (ts: number): number => PAD.l + ((ts - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number): number => H - PAD.b - (v / yMax) * (H - PAD.t - PAD.b);
  const grid = [0, 0.5, 1].map((f) => `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(f * yMax)}" y2="${y(f * yMax)}" class="grid"/><text x="${PAD.l - 6}" y="${y(f * yMax) + 4}" text-anchor="end">${+(f * yMax).toPrecision(3)}</text>`).join('');
  const ticks = [t0, (t0 + t1) / 2, t1].map((ts) => `<text x="${x(ts)}" y="${H - 6}" text-anchor="middle">${hhmm(ts)}</text>`).join('');
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(t[i]).toFixed(1)},${y(v).toFixed(1)}`)).filter((p) => p !== null);
    return `<polyline fill="none" stroke="${s.colour}" stroke-width="1.6" points="${pts.join(' ')}"/>`;
  }).join('');
  const markSvg = marks.filter((m) => m.t >= t0 && m.t <= t1).map((m, i) =>
    `<line x1="${x(m.t)}" x2="${x(m.t)}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="${m.colour}" stroke-dasharray="4 3"/><text x="${x(m.t) + 3}" y="${PAD.t + 10 + 11 * (i % 3)}" fill="${m.colour}">${esc(m.label)}</text>`).join('');
  const legend = series.map((s, i) => `<tspan dx="${i === 0 ? 0 : 14}" fill="${s.colour}">■</tspan><tspan dx="3">${esc(s.label)}</tspan>`).join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">
<text x="${PAD.l}" y="13" class="title">${esc(title)}</text><text x="${W - PAD.r}" y="13" text-anchor="end">${legend}</text>
${grid}${ticks}${lines}${markSvg}</svg>`;
}
