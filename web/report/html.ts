import type { IncidentReport, ReportData, SeriesData } from './build.js';
import { lineChartSvg } from './svg.js';

const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
const at = (ms: number | null): string => (ms === null ? '–' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const money = (v: number): string => `€${v.toLocaleString('en', { maximumFractionDigits: 0 })}`;
const list = (items: string[], empty: string): string => (items.length === 0 ? `<p class="empty">${empty}</p>` : `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);

const CSS = `
body { font: 13px/1.5 system-ui, sans-serif; color: #0f172a; max-width: 900px; margin: 24px auto; padding: 0 20px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; border-bottom: 2px solid #e2e8f0; padding-bottom: 4px; margin-top: 26px; }
h3 { font-size: 14px; margin: 16px 0 6px; } .meta { color: #64748b; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 14px 0; }
.kpi { border: 1px solid #e2e8f0; border-left: 4px solid #2563eb; border-radius: 6px; padding: 8px 10px; }
.kpi b { display: block; font-size: 18px; } .kpi span { color: #64748b; font-size: 11px; text-transform: uppercase; }
table { width: 100%; border-collapse: collapse; margin: 6px 0; font-size: 12px; } th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
th { color: #64748b; font-size: 11px; text-transform: uppercase; } .empty { color: #64748b; font-style: italic; }
svg.chart { width: 100%; height: auto; margin: 6px 0; font: 10px system-ui, sans-serif; fill: #475569; } svg .grid { stroke: #e2e8f0; } svg .title { font-weight: 600; fill: #0f172a; }
svg.chart, tr, .kpi { page-break-inside: avoid; } .tag { background: #e2e8f0; border-radius: 8px; padding: 0 6px; font-size: 11px; font-weight: 600; }
@media print { body { margin: 0 auto; } h2 { page-break-after: avoid; } }`;

/** The post-incident report as one self-contained HTML page (inline CSS and SVG, no script). */
export function renderHtml(r: ReportData): string {
  const title = r.subject.kind === 'incident' ? `Post-incident report: ${r.subject.id}` : `Post-incident report: run ${r.subject.id}`;
  const t = r.totals;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body>
<h1>${esc(title)}</h1>
<p class="meta">Run ${esc(r.run.runId ?? 'live')} · from ${at(r.span.from)} to ${at(r.span.to)} (event time, UTC) · generated ${esc(r.generatedAt)} by vigil</p>
<h2>Summary</h2>
<div class="kpis">
  <div class="kpi"><span>Incidents</span><b>${t.incidents}</b></div>
  <div class="kpi"><span>Revenue lost</span><b>${money(t.revenueLost)}</b></div>
  <div class="kpi"><span>Users affected</span><b>${t.usersAffected.toLocaleString('en')}</b></div>
  <div class="kpi"><span>SLO minutes</span><b>${t.sloMinutes} min</b></div>
  <div class="kpi"><span>Error budget burnt</span><b>${t.budgetBurntPct} %</b></div>
  <div class="kpi"><span>Actions</span><b>${t.actions}</b></div>
  <div class="kpi"><span>Rollbacks</span><b>${t.rollbacks}</b></div>
  <div class="kpi"><span>Escalations</span><b>${t.escalations}</b></div>
</div>
<p class="meta">Error budget: 30 days at 99.9 % (43.2 min). Revenue lost integrates the strategist's revenue at risk over each incident.</p>
<h2>What happened</h2>
${r.incidents.map(incident).join('') || '<p class="empty">No incident in this run.</p>'}
<h2>Key series</h2>
${r.series.map(charts).join('') || '<p class="empty">No aggregated window in this span (VIGIL_SERIES is empty).</p>'}
<h2>Recommendations</h2>
${list(r.recommendations.map(esc), 'None')}
</body></html>`;
}

function charts(s: SeriesData): string {
  const marks = s.marks.map((m) => ({ t: m.t, label: m.label, colour: m.rollback ? '#be185d' : '#7c3aed' }));
  return `<h3>${esc(s.service)}</h3>
${lineChartSvg(`${s.service}: latency p99 (ms)`, s.t, [{ label: 'p99 ms', colour: '#dc2626', values: s.p99 }], marks)}
${lineChartSvg(`${s.service}: CPU (%) and error rate (%)`, s.t, [{ label: 'cpu %', colour: '#2563eb', values: s.cpu }, { label: 'errors %', colour: '#ea580c', values: s.errorRate }], marks)}
${lineChartSvg(`${s.service}: instances`, s.t, [{ label: 'instances', colour: '#7c3aed', values: s.instances }], marks)}`;
}

function incident(r: IncidentReport): string {
  const i = r.incident;
  const d = r.detection;
  const alerts = d.alerts.map((a) => `${at(a.since)} ${esc(a.service)}/${esc(a.instance)} <b>${esc(a.metric)}</b> ${esc(a.level)} by ${esc(a.rule)}: ${+a.value.toFixed(2)} against ${+a.threshold.toFixed(2)}${a.explanation ? ` (${esc(a.explanation)})` : ''}${evidence(a.evidence)}`);
  const actions = r.actions.map((a) => `<tr><td>${at(a.action.ts)}</td><td>${esc(a.action.type)} ${esc(a.action.service)}${a.rollback ? ' <span class="tag">rollback</span>' : ''}${a.action.dryRun ? ' <span class="tag">dry run</span>' : ''}</td><td>${esc(a.action.reason)}</td><td>${esc(a.result?.status ?? 'no result')}${a.result?.detail ? `: ${esc(a.result.detail)}` : ''}</td><td>${a.validation ? `${esc(a.validation.event)}${validationDetail(a.validation.detail)}` : '–'}</td></tr>`).join('');
  const remediation = r.remediation.map((e) => `${at(e.ts)} ${esc(e.runId)}: ${esc(e.from)} → <b>${esc(e.to)}</b> on ${esc(e.event)}${typeof e.detail?.reason === 'string' && e.detail.reason ? ` (${esc(e.detail.reason)})` : ''}`);
  const escalations = r.escalations.map((e) => `${at(e.ts)} <b>${esc(e.level)}</b>${e.who ? ` ${esc(e.who)}` : ''}${e.reason ? `: ${esc(e.reason)}` : ''}`);
  const timeline = r.timeline.map((e) => `<tr><td>${at(e.ts)}</td><td>${esc(e.machine)}</td><td>${esc(e.event)}</td><td>${esc(e.from)} → ${esc(e.to)}</td></tr>`).join('');
  return `<div class="incident"><h3>${esc(i.id)} <span class="tag">${esc(r.impact.priority ?? 'no priority')}</span> <span class="tag">${esc(i.status)}</span></h3>
<p>Opened ${at(i.openedAt)}, ${r.resolvedAt === null ? 'still open' : `resolved ${at(r.resolvedAt)} (${Math.round((r.resolvedAt - i.openedAt) / 60_000)} min)`}. Services: ${i.services.map(esc).join(', ')}.</p>
<p><b>Detection.</b> ${d.firstAlert ? `First sign ${at(d.firstAlert.since)} on ${esc(d.firstAlert.service)} ${esc(d.firstAlert.metric)}; incident opened ${d.detectedAfterS} s later.` : 'No alert of this incident is stored.'}</p>
${list(alerts, 'No alert stored.')}
<p><b>Diagnosis.</b> Root cause <b>${esc(i.rootCause.service)}</b> (${esc(i.rootCause.metric)}): ${esc(i.rootCause.reason)}. Pattern ${esc(i.pattern)}, severity ${esc(i.severity)}, confidence ${i.confidence.toFixed(2)}. Evidence: ${i.metrics.map(esc).join(', ')}; candidates ${i.candidates.map((c) => `${esc(c.service)} ${c.score.toFixed(2)}`).join(', ')}.</p>
<p><b>Actions and validation.</b></p>
${actions ? `<table><thead><tr><th>Event time</th><th>Action</th><th>Why</th><th>Result</th><th>Validation</th></tr></thead><tbody>${actions}</tbody></table>` : '<p class="empty">No action.</p>'}
<p><b>Remediation.</b></p>${list(remediation, 'No remediation run.')}
<p><b>Escalations.</b></p>${list(escalations, 'No escalation.')}
<p><b>Business impact.</b> Revenue lost ${money(r.impact.revenueLost)} (peak ${money(r.impact.revenueAtRiskPeakPerMin)}/min at risk), up to ${r.impact.usersAffected.toLocaleString('en')} users affected, ${r.slo.minutes} SLO minutes, ${r.slo.budgetBurntPct} % of the monthly error budget.</p>
<details open><summary><b>Audit trail</b> (${r.timeline.length} transitions)</summary><table><thead><tr><th>Event time</th><th>Machine</th><th>Event</th><th>State</th></tr></thead><tbody>${timeline}</tbody></table></details>
</div>`;
}

/** A statistical alert's models: each feature against the range the past made normal. */
function evidence(list: IncidentReport['detection']['alerts'][number]['evidence']): string {
  if (!list || list.length === 0) return '';
  const fmt = (x: number): string => String(+x.toPrecision(4));
  return `<br><small>evidence: ${list.map((e) => `${esc(e.detector)} ${esc(e.feature)} = ${fmt(e.observed)}, expected ${fmt(e.low)}..${fmt(e.high)} (score ${e.score.toFixed(2)})`).join('; ')}</small>`;
}

function validationDetail(detail: Record<string, unknown> | undefined): string {
  const cpu = detail?.cpu as { before?: number; after?: number } | undefined;
  return cpu && typeof cpu.before === 'number' && typeof cpu.after === 'number' ? `: cpu ${cpu.before.toFixed(1)} → ${cpu.after.toFixed(1)} %` : '';
}
