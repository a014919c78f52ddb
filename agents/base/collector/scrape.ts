import type { Sample } from '../../../runtime/contracts/index.js';
import type { ScrapeTarget } from './config.js';
import { httpGet } from './http.js';
import { parsePrometheusText } from './prometheus.js';
import { evaluateRule, type CounterMemory } from './rules.js';

/** A target as the collector scrapes it: the configured one, its instance name resolved. */
export type ResolvedTarget = ScrapeTarget & { instance: string };

/** The instance name of a target: its own, else host and port of its URL (`127-0-0-1-9100`). */
export function instanceOf(target: ScrapeTarget): string {
  if (target.instance) return target.instance;
  try {
    const u = new URL(target.url);
    return `${u.hostname}-${u.port || (u.protocol === 'https:' ? '443' : '80')}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  } catch {
    return 'unknown';
  }
}

/**
 * Scrapes one Prometheus endpoint and applies its metric rules. Rejects (naming the URL) when
 * the endpoint does not answer or answers an error status; rules that select nothing come
 * back in `problems`, and the other rules' samples still come back.
 */
export async function scrapeTarget(target: ResolvedTarget, ts: number, memory: CounterMemory, timeoutMs: number): Promise<{ samples: Sample[]; problems: string[] }> {
  const answer = await httpGet(target.url, { headers: target.headers, tls: target.tls, timeoutMs });
  if (answer.status < 200 || answer.status > 299) throw new Error(`${target.url}: HTTP ${answer.status}`);
  const expo = parsePrometheusText(answer.body);
  const problems = expo.errors.slice(0, 5).map((e) => `${target.url}: ${e}`);
  const samples: Sample[] = [];
  for (const rule of target.metrics) {
    const r = evaluateRule(rule, expo, memory, `${target.url}|${rule.metric}`, ts);
    if ('problem' in r) { problems.push(`${target.url}: ${rule.metric}: ${r.problem}`); continue; }
    if ('pending' in r) continue;
    samples.push({
      service: target.service, instance: target.instance, metric: rule.metric, value: r.value, ts,
      ...(rule.unit ? { unit: rule.unit } : {}),
    });
  }
  return { samples, problems };
}
