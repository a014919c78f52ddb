import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { agentKinds, definitionOf } from '../agents/registry.js';
import { checkWithDefaults, type Problem } from '../runtime/contracts/index.js';
import { ConfigError, errorMessage } from '../runtime/errors.js';
import { resolveConfig } from '../runtime/host/config.js';
import { parseActuatorsConfig } from '../actuators/config.js';
import { parseNotificationsConfig } from '../notifications/config.js';
import { DeployConfig } from './schema.js';

/** A validated deployment: the configuration, and the entries refused (each with where and why). */
export interface LoadedDeployment { config: DeployConfig; rejected: string[]; source: string }

/** Sections whose entries stand alone: a bad one is refused, the others still apply. */
const ISOLATED = ['targets', 'probes', 'fileSd'] as const;

/**
 * Reads and validates a deployment file (JSON, or YAML for .yaml/.yml). `strict` (vigil config
 * check) fails on any problem; otherwise a bad scrape target, probe or file_sd entry is left
 * out and reported in `rejected` while the rest applies. Throws ConfigError naming the file
 * and the path of every problem.
 */
export function loadDeployFile(path: string, opts: { strict?: boolean; env?: NodeJS.ProcessEnv } = {}): LoadedDeployment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: ${errorMessage(err)}`);
  }
  return parseDeployment(text, path, opts);
}

/**
 * A deployment document as an object, before its schema: JSON, or YAML for .yaml/.yml, with
 * ${VAR} expanded. Throws ConfigError naming the file (and the line, for YAML).
 */
export function parseDocument(text: string, source: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const name = basename(source);
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(source) ? parseYaml(text, { prettyErrors: true }) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${name}: not valid ${/\.ya?ml$/i.test(source) ? 'YAML' : 'JSON'}: ${errorMessage(err)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${name}: expected an object at the top level`);
  const envProblems: Problem[] = [];
  const expanded = expandEnv(raw, env, '', envProblems) as Record<string, unknown>;
  if (envProblems.length > 0) throw new ConfigError(describeProblems(name, envProblems));
  return expanded;
}

export function parseDeployment(text: string, source: string, opts: { strict?: boolean; env?: NodeJS.ProcessEnv } = {}): LoadedDeployment {
  const name = basename(source);
  const expanded = parseDocument(text, source, opts.env ?? process.env);

  const problems = [...schemaProblems(expanded), ...semanticProblems(expanded)];
  const rejected: string[] = [];
  if (problems.length > 0) {
    const isolated = problems.filter((p) => ISOLATED.some((s) => p.path.startsWith(`/${s}/`)));
    if (opts.strict || isolated.length < problems.length) throw new ConfigError(describeProblems(name, problems));
    for (const section of ISOLATED) {
      const list = expanded[section];
      if (!Array.isArray(list)) continue;
      const bad = new Set(isolated.filter((p) => p.path.startsWith(`/${section}/`)).map((p) => Number(p.path.split('/')[2])));
      for (const i of bad) {
        const entry = list[i] as { url?: string; address?: string } | undefined;
        const what = entry?.url ?? entry?.address ?? `${section}[${i}]`;
        const own = isolated.filter((p) => p.path.startsWith(`/${section}/${i}/`) || p.path === `/${section}/${i}`);
        rejected.push(`${what}: ${name} ${[...new Set(own.map((p) => `${p.path.slice(1).replaceAll('/', '.')}: ${p.message}`))].join('; ')}`);
      }
      expanded[section] = list.filter((_, i) => !bad.has(i));
    }
  }
  const checked = checkWithDefaults(DeployConfig, expanded);
  if (!checked.ok) throw new ConfigError(describeProblems(name, checked.problems));
  const sections = ownedSections(checked.value);
  if (sections.length > 0) throw new ConfigError(describeProblems(name, sections));
  return { config: checked.value as DeployConfig, rejected, source };
}

function schemaProblems(value: Record<string, unknown>): Problem[] {
  const copy = structuredClone(value);
  const r = checkWithDefaults(DeployConfig, copy);
  return r.ok ? ownedSections(copy) : r.problems;
}

/**
 * The sections other parts of vigil own, checked (and defaulted in place) by their own parsers:
 * actuators (actuators/), notifications (notifications/), approvals (the orchestrator).
 */
function ownedSections(config: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const attempt = (path: string, fn: () => void): void => {
    try { fn(); } catch (err) { problems.push({ path, message: errorMessage(err) }); }
  };
  attempt('/actuators', () => parseActuatorsConfig(config.actuators ?? [], 'actuators'));
  if (config.notifications !== undefined) attempt('/notifications', () => parseNotificationsConfig(config.notifications, 'notifications'));
  const approvals = (config.policy as { approvals?: unknown } | undefined)?.approvals;
  if (approvals !== undefined) attempt('/policy/approvals', () => resolveConfig('orchestrator', definitionOf('orchestrator').config, { approvals }));
  return problems;
}

/** What the schema cannot say: unique names, probe addresses, ports, agent sections. */
function semanticProblems(value: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const services = Array.isArray(value.services) ? value.services as { service?: string }[] : [];
  const seen = new Set<string>();
  services.forEach((s, i) => {
    if (s?.service && seen.has(s.service)) problems.push({ path: `/services/${i}/service`, message: `service '${s.service}' is listed twice` });
    if (s?.service) seen.add(s.service);
  });
  const probes = Array.isArray(value.probes) ? value.probes as { kind?: string; url?: string; address?: string }[] : [];
  probes.forEach((p, i) => {
    if ((p?.kind ?? 'http') === 'http' && !p?.url) problems.push({ path: `/probes/${i}`, message: 'an http probe needs a url' });
    if (p?.kind === 'tcp' && !p?.address) problems.push({ path: `/probes/${i}`, message: 'a tcp probe needs an address (host:port)' });
  });
  const agents = (value.agents ?? {}) as Record<string, unknown>;
  for (const [kind, patch] of Object.entries(agents)) {
    if (!agentKinds.includes(kind as never)) { problems.push({ path: `/agents/${kind}`, message: `unknown agent kind (known: ${agentKinds.join(', ')})` }); continue; }
    try {
      resolveConfig(kind, definitionOf(kind).config, patch);
    } catch (err) {
      problems.push({ path: `/agents/${kind}`, message: errorMessage(err) });
    }
  }
  return problems;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g;

/** Replaces ${VAR} and ${VAR:-default} in every string; an unset variable without default is a problem. */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: Problem[]): unknown {
  if (typeof value === 'string') {
    // A value that is one whole ${VAR} takes the variable's type: `port: ${PORT:-9095}` is a number.
    const whole = /^\$\{[^}]+\}$/.test(value);
    const out = value.replace(VAR, (_m, name: string, hasDefault: string | undefined, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (hasDefault !== undefined) return fallback ?? '';
      problems.push({ path: path || '/', message: `environment variable ${name} is not set` });
      return '';
    });
    if (whole && /^-?\d+(\.\d+)?$/.test(out)) return Number(out);
    if (whole && (out === 'true' || out === 'false')) return out === 'true';
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${path}/${i}`, problems));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, `${path}/${k}`, problems)]));
  }
  return value;
}

/** `vigil.yaml: targets.0.url: must match pattern "^https?://"`, one problem per line. */
function describeProblems(file: string, problems: Problem[]): string {
  const lines = problems.map((p) => `${file}: ${p.path === '/' ? '' : `${p.path.slice(1).replaceAll('/', '.')}: `}${p.message}`);
  return [...new Set(lines)].join('\n');
}
