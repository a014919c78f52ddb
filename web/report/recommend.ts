import type { IncidentReport, ReportData } from './build.js';

/** The part of the analyst's state (vigil inspect analyst) a report uses. */
export interface AnalystAdvice {
  recommendations: { service: string; metric: string; suggestion: string }[];
  signatures: { service: string; pattern: string; count: number; recurring: boolean }[];
  mttrS: number | null;
  automatedResolutionRate: number | null;
}

/** Detection later than this after the first sign is worth a look at the rules. */
const SLOW_DETECTION_S = 120;

/**
 * What the analyst recommends after these incidents: its own threshold-tuning advice and
 * recurring signatures for the services involved, then what the report itself shows (slow
 * detection, actions rolled back or failed, escalations to people, error budget burnt).
 */
export function recommend(reports: IncidentReport[], totals: ReportData['totals'], analyst: AnalystAdvice | null): string[] {
  const services = new Set(reports.flatMap((r) => r.incident.services));
  const out: string[] = [];
  for (const r of analyst?.recommendations ?? []) if (services.size === 0 || services.has(r.service)) out.push(`Analyst: ${r.suggestion}.`);
  for (const s of analyst?.signatures ?? []) {
    if (s.recurring && services.has(s.service)) out.push(`Analyst: ${s.pattern} on ${s.service} has recurred ${s.count} times: look for the root cause (capacity plan, code fix) rather than repairing it again.`);
  }
  for (const r of reports) {
    const id = r.incident.id;
    if (r.detection.detectedAfterS !== null && r.detection.detectedAfterS > SLOW_DETECTION_S) {
      out.push(`${id}: the first alert came ${r.detection.detectedAfterS} s before the incident was opened; a lower threshold or higher sensitivity on ${r.detection.firstAlert?.metric ?? 'the first metric'} of ${r.incident.service} would shorten detection.`);
    }
    for (const a of r.actions.filter((x) => x.result?.status === 'failed')) out.push(`${id}: ${a.action.type} on ${a.action.service} failed (${a.result?.detail ?? 'no detail'}); check the actuator and the action's preconditions.`);
    for (const a of r.actions.filter((x) => x.rollback)) out.push(`${id}: ${a.action.type} on ${a.action.service} undid an earlier action that did not help; review the remediation catalogue entry for the ${r.incident.pattern} pattern.`);
    const human = r.escalations.filter((e) => e.level !== 'N0').at(-1);
    if (human) out.push(`${id}: escalated to ${human.level}${human.who ? ` (${human.who})` : ''}${human.reason ? ` because ${human.reason}` : ''}; add a runbook or an automated remediation for this case.`);
  }
  if (totals.budgetBurntPct >= 10) out.push(`The run burnt ${totals.budgetBurntPct} % of the monthly error budget (${totals.sloMinutes} min outside SLO): slow down risky changes on ${[...services].join(', ') || 'the services involved'} until it recovers.`);
  if (out.length === 0) out.push('No change recommended: detection, remediation and validation behaved as configured.');
  return out;
}
