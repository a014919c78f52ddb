import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildReport, type ReportData } from '../../../web/report/build.js';
import { collectRun, readAnalyst, readCatalog } from '../../../web/history.js';
import { renderHtml } from '../../../web/report/html.js';
import { htmlToPdf } from '../../../web/report/pdf.js';
import { cliEnv, output, withOperator } from '../context.js';

/** The report for people on a terminal: the figures and the recommendations. */
function summary(r: ReportData): string {
  const t = r.totals;
  const lines = [
    `report for ${r.subject.kind} ${r.subject.id} (run ${r.run.runId ?? 'live'})`,
    `incidents ${t.incidents}  revenue lost ${t.revenueLost}  users affected ${t.usersAffected}  SLO minutes ${t.sloMinutes}  error budget burnt ${t.budgetBurntPct} %`,
    `actions ${t.actions}  rollbacks ${t.rollbacks}  escalations ${t.escalations}`,
    ...r.incidents.map((i) => `- ${i.incident.id} ${i.impact.priority ?? ''} ${i.incident.pattern}, root cause ${i.incident.rootCause.service} ${i.incident.rootCause.metric}, ${i.actions.length} actions, ${i.incident.status}`),
    'recommendations:',
    ...r.recommendations.map((x) => `- ${x}`),
  ];
  return lines.join('\n');
}

/** `vigil report <incident id | run id | last>`: the post-incident report, as text, JSON, HTML or PDF. */
export function registerReport(program: Command): void {
  program.command('report').argument('<id>', "an incident id, a simulated run id (begin-run), or 'last' for the latest run")
    .description('post-incident report: detection, diagnosis, actions and validation, rollbacks, escalations, business impact, charts, recommendations')
    .option('--html <file>', 'write the report as a self-contained HTML page')
    .option('--pdf <file>', 'write the report as PDF (headless Chromium, /usr/bin/chromium)')
    .option('--json', 'print the report data as JSON')
    .action(async (id: string, opts: { html?: string; pdf?: string; json?: boolean }, cmd: Command) => {
      const report = await withOperator(cliEnv(cmd), async (nc) => {
        const { run, incidentId, latest } = await collectRun(nc, id);
        const analyst = latest ? await readAnalyst(nc) : null;
        return buildReport(run, await readCatalog(nc), analyst, incidentId);
      });
      const html = opts.html || opts.pdf ? renderHtml(report) : '';
      if (opts.html) writeFileSync(opts.html, html);
      if (opts.pdf) await htmlToPdf(html, opts.pdf);
      const written = [opts.html, opts.pdf].filter(Boolean).map((f) => `wrote ${f}`);
      output(Boolean(opts.json), report, () => [summary(report), ...written].join('\n'));
    });
}
