// HTML of each view from a snapshot (pure functions returning strings; app.js puts them in the page).

export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const num = (v, unit = '', d = 1) => (v === null || v === undefined ? '–' : `${Number(v).toLocaleString('en', { maximumFractionDigits: d })}${unit}`);
const money = (v) => (v === null || v === undefined ? '–' : `€${Number(v).toLocaleString('en', { maximumFractionDigits: 0 })}`);
export const time = (ms) => (ms ? new Date(ms).toISOString().slice(11, 19) : '–');
const duration = (s) => (s === null || s === undefined ? '–' : s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);
const dot = (colour) => `<span class="dot ${esc(colour)}"></span>`;
const card = (key, label, value, sub = '', tone = '') => `<div class="kpi ${tone}" data-kpi="${key}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
const table = (id, heads, rows, empty) => rows.length === 0
  ? `<p class="empty" id="${id}">${empty}</p>`
  : `<table id="${id}"><thead><tr>${heads.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;

export function executive(s) {
  const e = s.executive;
  const avail = e.availability;
  const tone = avail === null ? '' : avail >= e.sloTarget ? 'good' : 'bad';
  const budgetTone = e.budgetLeftMin === null ? '' : e.budgetLeftMin > e.budgetMin / 2 ? 'good' : e.budgetLeftMin > 0 ? 'warn' : 'bad';
  const prio = ['P1', 'P2', 'P3', 'P4'].map((p) => `<div class="prio ${p}" data-priority="${p}"><b>${p}</b><span>${e.byPriority[p].open} open</span><small>${e.byPriority[p].total} in run</small></div>`).join('');
  return `
  <section class="kpis">
    ${card('availability', 'Availability', num(avail, ' %', 3), `SLO ${e.sloTarget} %`, tone)}
    ${card('budget', 'Error budget left (30 d)', num(e.budgetLeftMin, ' min'), `of ${num(e.budgetMin, ' min')}${e.worstService ? ` · worst: ${esc(e.worstService)}` : ''}`, budgetTone)}
    ${card('risk', 'Revenue at risk', `${money(e.revenueAtRiskPerMin)}<small>/min</small>`, `${num(e.usersAffected, '', 0)} users affected`, e.revenueAtRiskPerMin > 0 ? 'bad' : 'good')}
    ${card('lost', 'Revenue lost', money(e.revenueLost), 'this run')}
    ${card('incidents', 'Open incidents', String(e.openIncidents), `${e.incidentsTotal} in run`, e.openIncidents > 0 ? 'warn' : 'good')}
  </section>
  <section class="panel"><h2>Incidents by priority</h2><div class="prios">${prio}</div></section>
  <section class="panel"><h2>Trend</h2><div class="charts two"><div id="chart-availability" class="chart"></div><div id="chart-risk" class="chart"></div></div></section>
  <section class="panel"><h2>Critical incidents</h2>${incidentList(s.incidents.filter((i) => i.status === 'open' && (i.priority === 'P1' || i.priority === 'P2')), 'No critical incident open')}</section>`;
}

function incidentList(list, empty) {
  return table('incident-list', ['', 'Incident', 'Priority', 'Service', 'Pattern', 'Opened', 'Level', 'At risk'], list.map((i) =>
    `<tr data-incident="${esc(i.id)}"><td>${dot(i.status === 'open' ? (i.severity === 'red' ? 'red' : 'orange') : 'green')}</td><td><a href="#/incident/${encodeURIComponent(i.id)}">${esc(i.id)}</a></td><td><span class="tag ${esc(i.priority)}">${esc(i.priority ?? '–')}</span></td><td>${esc(i.service)}</td><td>${esc(i.pattern)}</td><td>${time(i.openedAt)}</td><td>${esc(i.level ?? '–')}</td><td>${money(i.revenueAtRiskPerMin)}/min</td></tr>`), empty);
}

export function operational(s) {
  const services = table('services', ['', 'Service', 'CPU', 'Memory', 'p50', 'p90', 'p99', 'Errors', 'rps', 'Instances', 'Availability'], s.services.map((v) =>
    `<tr data-service="${esc(v.service)}" data-status="${esc(v.status)}"><td>${dot(v.status)}</td><td><a href="#/service/${encodeURIComponent(v.service)}">${esc(v.service)}</a>${v.billable ? ' <span class="tag">billable</span>' : ''}</td>
     <td>${bar(v.cpu)}</td><td>${bar(v.memory)}</td><td>${num(v.p50, ' ms', 0)}</td><td>${num(v.p90, ' ms', 0)}</td><td>${num(v.p99, ' ms', 0)}</td><td>${num(v.errorRate, ' %', 2)}</td><td>${num(v.rps, '', 0)}</td><td>${num(v.instances, '', 0)}</td><td>${num(v.availability, ' %', 2)}</td></tr>`), 'No service reported yet: run a scenario (vigil sim run cpu-spike --tick-delay 200)');
  const open = s.incidents.filter((i) => i.status === 'open');
  const alerts = open.length === 0 ? '<p class="empty" id="active-alerts">No active alert</p>' : `<div id="active-alerts">${open.map(alertGroup).join('')}</div>`;
  const scaling = table('scaling', ['Time', 'Service', 'Action', 'Status', 'Why'], s.scaling.map((a) =>
    `<tr><td>${time(a.ts)}</td><td>${esc(a.service)}</td><td>${esc(a.type)} ${a.params?.from !== undefined ? `${esc(a.params.from)} → ${esc(a.params.instances)}` : ''}</td><td>${esc(a.status)}</td><td class="why">${esc(a.reason)}</td></tr>`), 'No scaling event');
  const forecasts = table('forecasts', ['Service', 'Metric', 'Now', 'Predicted', 'Saturates at', 'Time to saturation'], s.forecasts.slice(0, 10).map((f) =>
    `<tr class="${f.timeToSaturationS !== null && f.timeToSaturationS < 900 ? 'soon' : ''}"><td>${esc(f.service)}</td><td>${esc(f.metric)}</td><td>${num(f.current)}</td><td>${num(f.predicted)} <small>in ${duration(f.horizonS)} (${esc(f.method)})</small></td><td>${num(f.saturation)}</td><td>${f.timeToSaturationS === null ? '<small>not on this trend</small>' : f.timeToSaturationS === 0 && f.current >= f.saturation ? '<b>saturated</b>' : duration(f.timeToSaturationS)}</td></tr>`), 'No forecast yet');
  const lc = s.alertLifecycle;
  const statuses = Object.entries(lc.counts).map(([k, n]) => `<span class="tag st-${esc(k)}" data-alert-status="${esc(k)}">${esc(k.replace('_', ' '))} ${n}</span>`).join(' ');
  const lifecycle = table('alert-lifecycle', ['Time', 'Alert', 'Level', 'Status', 'Fired', 'Incident', 'By'], lc.recent.map((r) =>
    `<tr data-alert="${esc(r.id)}"><td>${time(r.ts)}</td><td>${esc(r.service)} ${esc(r.metric)}</td><td>${dot(r.level === 'red' ? 'red' : 'orange')}</td><td><span class="tag st-${esc(r.status)}">${esc(r.status.replace('_', ' '))}</span> <small>${esc(r.event)}</small></td><td>${r.count}×</td><td>${r.incidentId ? `<a href="#/incident/${encodeURIComponent(r.incidentId)}">${esc(r.incidentId)}</a>` : '–'}</td><td>${esc(r.by ?? '')}${r.note ? ` <small>${esc(r.note)}</small>` : ''}</td></tr>`), 'No alert in this run (vigil alert ls)');
  return `
  ${approvals(s.approvals ?? [])}
  <section class="panel"><h2>Services</h2>${services}</section>
  <section class="panel"><h2>Active alerts by incident</h2>${alerts}</section>
  <section class="panel"><h2>Alert lifecycle ${statuses}</h2>${lifecycle}</section>
  <div class="grid2">
    <section class="panel"><h2>Scaling events</h2>${scaling}</section>
    <section class="panel"><h2>Forecasts</h2>${forecasts}</section>
  </div>`;
}

/** Actions a policy reserves to humans, waiting for `vigil approve` / `vigil deny` (shown on top while any waits). */
function approvals(list) {
  const rows = list.map((a) => `<tr data-approval="${esc(a.id)}"><td>${esc(a.service)}</td><td>${esc(a.type)} <small>${esc(JSON.stringify(a.params))}</small></td><td class="why">${esc(a.reason)}</td><td>${a.incidentId ? `<a href="#/incident/${encodeURIComponent(a.incidentId)}">${esc(a.incidentId)}</a>` : '–'}</td><td>${esc(a.deadline.slice(11, 19))} UTC</td><td><code>vigil approve ${esc(a.id)}</code><br><code>vigil deny ${esc(a.id)}</code></td></tr>`);
  return `<section class="panel ${list.length > 0 ? 'attention' : ''}"><h2>Pending approvals <span class="tag" data-approvals="${list.length}">${list.length}</span></h2>${table('approvals', ['Service', 'Action', 'Why', 'Incident', 'Deadline', 'Decide'], rows, 'No action waits for approval')}</section>`;
}

function bar(v) {
  if (v === null || v === undefined) return '–';
  const tone = v >= 85 ? 'red' : v >= 70 ? 'orange' : 'green';
  return `<span class="bar"><span class="fill ${tone}" style="width:${Math.min(100, Math.max(0, v))}%"></span></span> ${num(v, ' %', 0)}`;
}

function alertGroup(i) {
  const action = i.action ? `<div class="action">▸ ${esc(i.action.type)} ${esc(i.action.service)} <b>${esc(i.action.status)}</b>${i.action.rollback ? ' (rollback)' : ''} <small>${esc(i.action.reason)}</small></div>` : '<div class="action muted">▸ no action yet</div>';
  const alerts = i.alerts.map((a) => `<li>${dot(a.level === 'red' ? 'red' : a.level === 'clear' ? 'green' : 'orange')}${a.level === 'clear' ? ' <small>cleared</small>' : ''}${a.status ? ` <span class="tag st-${esc(a.status)}">${esc(a.status.replace('_', ' '))}</span>` : ''} ${esc(a.metric)} ${esc(a.rule)} ${num(a.value)} (threshold ${num(a.threshold)}) <small>${esc(a.instance)} since ${time(a.since)}</small></li>`).join('');
  return `<div class="group" data-incident="${esc(i.id)}"><div class="ghead"><span class="tag ${esc(i.priority)}">${esc(i.priority ?? '–')}</span> <a href="#/incident/${encodeURIComponent(i.id)}">${esc(i.id)}</a> · ${esc(i.pattern)} · root cause <b>${esc(i.rootCause.service)}</b> ${esc(i.rootCause.metric)} · escalation <b>${esc(i.level ?? 'N0')}</b>${i.escalatedTo ? ` (${esc(i.escalatedTo)})` : ''}</div><ul>${alerts || '<li class="muted">alerts cleared</li>'}</ul>${action}</div>`;
}

export function technical(s) {
  const agents = table('agents', ['', 'Agent', 'Tier', 'PID', 'Status', 'Heartbeat', 'Lag', 'In/s', 'Out/s', 'DLQ (run)', 'DLQ (stored)', 'Errors'], s.agents.map((a) =>
    `<tr data-agent="${esc(a.agentId)}" data-status="${esc(a.status)}"><td>${dot(a.status === 'healthy' ? 'green' : a.status === 'down' ? 'red' : 'orange')}</td><td>${esc(a.agentId)}</td><td>${esc(a.tier)}</td><td>${esc(a.pid)}</td><td>${esc(a.status)}</td><td>${num(a.heartbeatAgeMs / 1000, ' s')} ago</td><td>${num(a.lagMs / 1000, ' s')}</td><td>${num(a.inRate)}</td><td>${num(a.outRate)}</td><td class="${a.dlq > 0 ? 'warn' : ''}">${a.dlq}</td><td>${a.dlqStored}</td><td>${a.errors}</td></tr>`), 'No heartbeat yet: is the fleet up? (vigil up)');
  const services = s.services.map((v) => `<a class="chip" href="#/service/${encodeURIComponent(v.service)}">${dot(v.status)} ${esc(v.service)}</a>`).join(' ');
  return `
  <section class="panel"><h2>Agent fleet</h2>${agents}${s.rejected ? `<p class="warn">${s.rejected} invalid messages ignored by the dashboard</p>` : ''}</section>
  <section class="panel"><h2>Services: drill down</h2><div class="chips">${services || '<span class="empty">no service yet</span>'}</div></section>
  <section class="panel"><h2>Recent actions</h2>${table('actions', ['Time', 'Service', 'Action', 'Status', 'Detail'], s.actions.slice(0, 12).map((a) => `<tr><td>${time(a.ts)}</td><td>${esc(a.service)}</td><td>${esc(a.type)}${a.rollback ? ' (rollback)' : ''}${a.dryRun ? ' (dry run)' : ''}</td><td>${esc(a.status)}</td><td class="why">${esc(a.detail ?? a.reason)}</td></tr>`), 'No action yet')}</section>`;
}

export function serviceHead(name, snap) {
  const v = snap.services.find((x) => x.service === name);
  if (!v) return `<section class="panel"><h2>${esc(name)}</h2><p class="empty">No window for ${esc(name)} in this run yet.</p></section>`;
  return `<section class="kpis">
    ${card('status', esc(name), `${dot(v.status)} ${esc(v.status)}`, `${num(v.instances, '', 0)} instances`)}
    ${card('cpu', 'CPU', num(v.cpu, ' %'), `memory ${num(v.memory, ' %')}`)}
    ${card('latency', 'Latency p50 / p90 / p99', `${num(v.p50, '', 0)} / ${num(v.p90, '', 0)} / ${num(v.p99, '', 0)}<small> ms</small>`, '')}
    ${card('errors', 'Error rate', num(v.errorRate, ' %', 2), `${num(v.rps, '', 0)} rps`)}
    ${card('availability', 'Availability', num(v.availability, ' %', 2), `${num(v.sloViolationMin, ' min')} outside SLO`)}
  </section>`;
}

export function incidentPage(d) {
  const i = d.incident;
  const rows = d.timeline.map((e) => `<tr class="src-${esc(e.source)}"><td>${time(e.ts)}</td><td><span class="tag">${esc(e.source)}</span></td><td>${esc(e.machine)}</td><td>${esc(e.event)}</td><td>${e.from ? `${esc(e.from)} → ` : ''}${esc(e.to)}</td><td class="why">${esc(describe(e.detail))}</td></tr>`);
  return `
  <section class="kpis">
    ${card('incident', 'Incident', esc(i.id), `${esc(i.status)} · ${esc(i.pattern)}`, i.status === 'open' ? 'warn' : 'good')}
    ${card('priority', 'Priority', esc(i.priority ?? '–'), `escalation ${esc(i.level ?? 'N0')}`)}
    ${card('root', 'Root cause', esc(i.rootCause.service), `${esc(i.rootCause.metric)} · confidence ${num(i.confidence, '', 2)}`)}
    ${card('lost', 'Revenue lost', money(i.revenueLost), `${money(i.revenueAtRiskPerMin)}/min at risk now`)}
  </section>
  <section class="panel"><h2>Diagnosis</h2><p>${esc(i.rootCause.reason)}</p><p>Services: ${i.services.map(esc).join(', ')} · candidates: ${i.candidates.map((c) => `${esc(c.service)} (${num(c.score, '', 2)})`).join(', ')}</p>${hypotheses(i.hypotheses ?? [])}</section>
  <section class="panel"><h2>Timeline</h2>${table('timeline', ['Event time', 'Source', 'Machine', 'Event', 'State', 'Detail'], rows, 'No audit event for this incident')}</section>`;
}

/** The causes the correlator weighed: those that hold first, each with the evidence for and against. */
function hypotheses(list) {
  if (list.length === 0) return '';
  const rows = list.map((h) => `<tr class="${h.holds ? 'holds' : 'muted'}"><td>${h.holds ? '✔' : '✘'}</td><td>${esc(h.cause)}${h.at ? ` @ ${esc(h.at)}` : ''}</td><td class="why">${h.for.map(esc).join('; ')}</td><td class="why">${h.against.map(esc).join('; ')}</td></tr>`);
  return table('hypotheses', ['', 'Cause', 'For', 'Against'], rows, '');
}

function describe(detail) {
  if (!detail) return '';
  const keys = ['reason', 'level', 'who', 'explanation', 'detail', 'entry', 'trigger', 'actionId', 'value', 'threshold'];
  return keys.filter((k) => detail[k] !== undefined && detail[k] !== null && detail[k] !== '').map((k) => `${k}: ${typeof detail[k] === 'object' ? JSON.stringify(detail[k]) : detail[k]}`).join(' · ');
}
