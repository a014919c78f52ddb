// The dashboard page: routes (#/executive, #/operational, #/technical, #/service/<name>,
// #/incident/<id>), a server-sent event stream of snapshots, and charts kept across updates.
import { lineChart } from './charts.js';
import { esc, executive, incidentPage, operational, serviceHead, technical, time } from './views.js';

const main = document.getElementById('view');
let snap = null;
let route = null;
let charts = {};
let detailBusy = false;

function parseRoute() {
  const [, view = 'executive', arg = ''] = /^#\/([a-z]+)\/?(.*)$/.exec(location.hash) ?? [];
  return { view, arg: decodeURIComponent(arg) };
}

/** Replaces the top-level sections that changed; sections holding a chart are kept as they are. */
function patch(html) {
  const next = document.createElement('div');
  next.innerHTML = html;
  const fresh = [...next.children];
  const old = [...main.children];
  if (old.length !== fresh.length) { main.replaceChildren(...fresh); return false; }
  fresh.forEach((el, i) => {
    if (old[i].querySelector('.chart')) return;
    if (old[i].outerHTML !== el.outerHTML) old[i].replaceWith(el);
  });
  return true;
}

function resetCharts() {
  for (const c of Object.values(charts)) c.destroy();
  charts = {};
}

function chartPanel(title, ids) {
  return `<section class="panel"><h2>${title}</h2><div class="charts two">${ids.map((id) => `<div id="${id}" class="chart"></div>`).join('')}</div></section>`;
}

function ensureChart(id, spec) {
  const el = document.getElementById(id);
  if (!el) return null;
  if (!charts[id]) charts[id] = lineChart(el, spec);
  return charts[id];
}

function renderExecutive() {
  patch(executive(snap));
  const t = snap.executive.trend;
  ensureChart('chart-availability', { title: 'Availability per minute (%) and worst p99 (ms)', series: [{ label: 'availability %' }, { label: 'worst p99 ms', stroke: '#ea580c', scale: 'y2' }] })
    ?.update([t.t, t.availability, t.worstP99]);
  ensureChart('chart-risk', { title: 'Revenue at risk (€/min) and open incidents', series: [{ label: '€/min at risk', stroke: '#dc2626' }, { label: 'open incidents', stroke: '#7c3aed', scale: 'y2' }] })
    ?.update([t.t, t.risk, t.open]);
}

async function renderService(name) {
  const head = serviceHead(name, snap);
  const raw = document.getElementById('raw-metric')?.value ?? 'cpu';
  if (!patch(`${head}${chartPanel('Windows (1 min): alerts and actions marked', ['chart-cpu', 'chart-latency', 'chart-errors', 'chart-capacity'])}
      <section class="panel"><h2>Raw series <select id="raw-metric"></select></h2><div class="charts"><div id="chart-raw" class="chart"></div></div></section>`)) resetCharts();
  if (detailBusy) return;
  detailBusy = true;
  try {
    const res = await fetch(`/api/service/${encodeURIComponent(name)}`);
    if (!res.ok) return;
    const d = await res.json();
    const seen = new Set();
    const marks = [
      ...d.alerts.filter((a) => a.level !== 'clear').map((a) => ({ t: a.since, kind: a.level, label: `${a.metric}` })),
      ...d.actions.map((a) => ({ t: a.t, kind: a.type.includes('rollback') ? 'rollback' : 'action', label: a.type })),
    ].filter((m) => !seen.has(`${m.t}|${m.label}`) && seen.add(`${m.t}|${m.label}`));
    const w = d.windows;
    ensureChart('chart-cpu', { title: 'CPU and memory (%)', series: [{ label: 'cpu %' }, { label: 'memory %', stroke: '#16a34a' }] })?.update([w.t, w.cpu, w.memory], marks);
    ensureChart('chart-latency', { title: 'Latency (ms)', series: [{ label: 'p50' }, { label: 'p90', stroke: '#d97706' }, { label: 'p99', stroke: '#dc2626' }] })?.update([w.t, w.p50, w.p90, w.p99], marks);
    ensureChart('chart-errors', { title: 'Error rate (%)', series: [{ label: 'error %', stroke: '#dc2626' }] })?.update([w.t, w.errorRate], marks);
    ensureChart('chart-capacity', { title: 'Instances and requests', series: [{ label: 'instances', stroke: '#7c3aed' }, { label: 'rps', stroke: '#0891b2', scale: 'y2' }] })
      ?.update([w.t, w.instances, w.rps], marks);
    const select = document.getElementById('raw-metric');
    const metrics = Object.keys(d.raw);
    if (select && select.options.length !== metrics.length) {
      select.innerHTML = metrics.map((m) => `<option ${m === raw ? 'selected' : ''}>${esc(m)}</option>`).join('');
      select.onchange = () => { charts['chart-raw']?.destroy(); delete charts['chart-raw']; render(); };
    }
    const metric = select?.value ?? raw;
    const series = d.raw[metric] ?? { t: [], v: [] };
    ensureChart('chart-raw', { title: `${name} ${metric}: raw readings (mean over instances)`, series: [{ label: metric }], height: 240 })?.update([series.t, series.v], marks);
  } finally {
    detailBusy = false;
  }
}

async function renderIncident(id) {
  const res = await fetch(`/api/incident/${encodeURIComponent(id)}`);
  if (!res.ok) { patch(`<section class="panel"><h2>${esc(id)}</h2><p class="empty">${esc((await res.json()).error)}</p></section>`); return; }
  patch(incidentPage(await res.json()));
}

function render() {
  if (!snap) return;
  const next = parseRoute();
  if (!route || next.view !== route.view || next.arg !== route.arg) { resetCharts(); main.replaceChildren(); }
  route = next;
  main.dataset.view = route.view;
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === route.view || (route.view === 'service' && a.dataset.nav === 'technical'));
  if (route.view === 'operational') patch(operational(snap));
  else if (route.view === 'technical') patch(technical(snap));
  else if (route.view === 'service') void renderService(route.arg);
  else if (route.view === 'incident') void renderIncident(route.arg);
  else renderExecutive();
  main.dataset.version = String(snap.version);
}

function connect() {
  const live = document.getElementById('live');
  const events = new EventSource('/api/events');
  events.addEventListener('snapshot', (e) => {
    snap = JSON.parse(e.data);
    document.getElementById('run-id').textContent = snap.run ? `run ${snap.run.runId}` : 'live';
    document.getElementById('event-time').textContent = snap.now ? `event time ${new Date(snap.now).toISOString().slice(0, 16).replace('T', ' ')}` : '';
    render();
  });
  events.onopen = () => { live.textContent = 'live'; live.className = 'live on'; };
  events.onerror = () => { live.textContent = 'reconnecting'; live.className = 'live off'; };
}

window.addEventListener('hashchange', render);
connect();
export { time };
