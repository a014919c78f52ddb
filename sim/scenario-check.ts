import type { Problem } from '../runtime/contracts/validate.js';
import type { ScenarioFile } from './scenario-schema.js';

/**
 * Checks what the schema cannot: names that refer to services, the dependency graph being
 * acyclic, instance bounds, events inside the run. Returns problems with JSON-pointer paths
 * (same shape as `check`), empty when the scenario is sound.
 */
export function checkScenarioSemantics(s: ScenarioFile): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  const known = (name: string): boolean => s.services.some((x) => x.service === name);
  s.services.forEach((svc, i) => {
    const at = `/services/${i}`;
    if (names.has(svc.service)) problems.push({ path: `${at}/service`, message: `duplicate service '${svc.service}'` });
    names.add(svc.service);
    svc.dependsOn.forEach((d, j) => {
      if (d === svc.service) problems.push({ path: `${at}/dependsOn/${j}`, message: 'a service cannot depend on itself' });
      else if (!known(d)) problems.push({ path: `${at}/dependsOn/${j}`, message: `unknown service '${d}'` });
    });
    for (const d of Object.keys(svc.calls ?? {})) {
      if (!svc.dependsOn.includes(d)) problems.push({ path: `${at}/calls/${d}`, message: `'${d}' is not in dependsOn` });
    }
    const min = svc.minInstances ?? svc.instances;
    if (min > svc.instances) problems.push({ path: `${at}/minInstances`, message: 'must be <= instances' });
    if (svc.instances > svc.maxInstances) problems.push({ path: `${at}/maxInstances`, message: 'must be >= instances' });
  });
  const cycle = findCycle(s);
  if (cycle) problems.push({ path: '/services', message: `dependency cycle: ${cycle.join(' -> ')}` });
  s.load.events.forEach((e, i) => {
    const at = `/load/events/${i}`;
    if (!known(e.service)) problems.push({ path: `${at}/service`, message: `unknown service '${e.service}'` });
    if (e.atS >= s.durationS) problems.push({ path: `${at}/atS`, message: 'must be before the end of the run (durationS)' });
    if (e.type === 'replay' && !e.file) problems.push({ path: `${at}/file`, message: 'a replay needs a file' });
  });
  s.faults.forEach((f, i) => {
    const at = `/faults/${i}`;
    const svc = s.services.find((x) => x.service === f.service);
    if (!svc) problems.push({ path: `${at}/service`, message: `unknown service '${f.service}'` });
    if (f.atS >= s.durationS) problems.push({ path: `${at}/atS`, message: 'must be before the end of the run (durationS)' });
    if ((f.type === 'bad-deploy' || f.type === 'deploy') && svc && f.version === svc.version) {
      problems.push({ path: `${at}/version`, message: `must differ from the running version '${svc.version}'` });
    }
  });
  for (const key of ['rootCause', 'fixService'] as const) {
    const v = s.expect[key];
    if (v && !known(v)) problems.push({ path: `/expect/${key}`, message: `unknown service '${v}'` });
  }
  if (s.live && !known(s.live.service)) problems.push({ path: '/live/service', message: `unknown service '${s.live.service}'` });
  return problems;
}

/** A dependency cycle as a list of service names, or null (depth-first search). */
function findCycle(s: ScenarioFile): string[] | null {
  const deps = new Map(s.services.map((x) => [x.service, x.dependsOn]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const c = deps.has(d) ? visit(d) : null;
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of deps.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}
