// uPlot wrappers: time-series charts with event markers (alerts, actions) drawn as vertical lines.
/* global uPlot */

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];
/** Event time (seconds) as HH:MM, UTC like the rest of the page. */
const hhmm = (s) => new Date(s * 1000).toISOString().slice(11, 16);
const MARK_COLOURS = { red: '#dc2626', yellow: '#d97706', clear: '#16a34a', action: '#7c3aed', rollback: '#be185d' };

/** Draws the markers [{t (s), kind, label}] as dashed vertical lines with a short label. */
function markerPlugin(getMarks) {
  return {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.textAlign = 'left';
        ctx.textBaseline = 'alphabetic';
        ctx.font = `${Math.round(10 * devicePixelRatio)}px system-ui, sans-serif`;
        getMarks().forEach((m, i) => {
          const x = Math.round(u.valToPos(m.t, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          ctx.strokeStyle = MARK_COLOURS[m.kind] ?? '#4b5563';
          ctx.fillStyle = ctx.strokeStyle;
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.lineWidth = devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          if (m.label) ctx.fillText(m.label, x + 3 * devicePixelRatio, top + (11 + 12 * (i % 3)) * devicePixelRatio);
        });
        ctx.restore();
      }],
    },
  };
}

/**
 * A line chart in `el`: series [{label, stroke?, scale?: 'y' | 'y2'}] over time (seconds). Returns
 * update(data, marks) where data = [t[], ys...]; the chart follows its container's width.
 */
export function lineChart(el, { title, series, height = 220, yLabel = '' }) {
  let marks = [];
  const opts = {
    title, width: Math.max(200, el.clientWidth || 600), height,
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#475569', grid: { stroke: '#e2e8f0' }, values: (u, splits) => splits.map(hhmm) },
      { stroke: '#475569', grid: { stroke: '#e2e8f0' }, label: yLabel, size: 56 },
      // a second axis on the right for the series that say scale: 'y2' (another unit)
      ...(series.some((s) => s.scale === 'y2') ? [{ scale: 'y2', side: 1, stroke: '#475569', grid: { show: false }, size: 56 }] : []),
    ],
    series: [{ value: (u, v) => (v === null || v === undefined ? '–' : `${hhmm(v)} UTC`) }, ...series.map((s, i) => ({ label: s.label, scale: s.scale ?? 'y', stroke: s.stroke ?? PALETTE[i % PALETTE.length], width: 1.6, spanGaps: true, points: { show: false } }))],
    plugins: [markerPlugin(() => marks)],
  };
  const empty = [[], ...series.map(() => [])];
  const chart = new uPlot(opts, empty, el);
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
  resize.observe(el);
  return {
    update(data, newMarks = []) {
      marks = newMarks;
      chart.setData(data);
    },
    destroy() { resize.disconnect(); chart.destroy(); },
  };
}
