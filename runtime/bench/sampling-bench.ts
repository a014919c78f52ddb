#!/usr/bin/env node
/**
 * `npm run bench:sampling [-- --json]`: what the filter's adaptive sampling (seed 001 §2.2.2,
 * agents/base/filter/sampler.ts) costs in detection and decisions, and what it saves: the NAB
 * score of the auto detector and the offline random suite's figures, each with sampling off and
 * on, with the share of samples kept. Pipeline throughput with sampling: `npm run bench -- --sampling`.
 * NAB_DATA / NAB_LABELS (default ../shared/nab); VIGIL_BENCH_SUITE_N scenarios (default 24), seed 1.
 */
import { existsSync, rmSync } from 'node:fs';
import { runOfflineFleet } from '../../sim/offline-fleet.js';
import { runSuite, type SuiteReport } from '../../sim/suite/run-suite.js';
import { runNab } from '../nab/run.js';

const NAB_DATA = process.env.NAB_DATA ?? '../shared/nab/data';
const NAB_LABELS = process.env.NAB_LABELS ?? '../shared/nab/labels/combined_windows.json';
const SUITE_N = Number(process.env.VIGIL_BENCH_SUITE_N ?? 24);

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

interface NabFigures { standard: number; reward_low_FP_rate: number; reward_low_FN_rate: number; keptShare: number }
interface SuiteFigures { sloViolationMinutes: number; instanceMinutes: number; sloRatioToBest: number; harmfulActions: number; keptShare: number }

async function nab(sampling: boolean): Promise<NabFigures> {
  const out = `/tmp/vigil-bench-nab-${process.pid}`;
  const r = await runNab({ data: NAB_DATA, labels: NAB_LABELS, out, sampling });
  rmSync(out, { recursive: true, force: true });
  return { standard: round(r.standard), reward_low_FP_rate: round(r.reward_low_FP_rate), reward_low_FN_rate: round(r.reward_low_FN_rate), keptShare: round(r.keptShare ?? 1, 3) };
}

async function suite(sampling: boolean): Promise<SuiteFigures> {
  let kept = 0;
  let seen = 0;
  const report: SuiteReport = await runSuite({ seed: 1, n: SUITE_N, mode: 'offline' }, async (s) => {
    const run = runOfflineFleet(s, { sampling });
    kept += run.sampled?.kept ?? 0;
    seen += run.sampled?.seen ?? 0;
    return run;
  });
  const t = report.totals;
  return {
    sloViolationMinutes: t.vigil.sloViolationMinutes, instanceMinutes: t.vigil.instanceMinutes, sloRatioToBest: t.sloRatioToBest,
    harmfulActions: report.harmfulActions, keptShare: seen > 0 ? round(kept / seen, 3) : 1,
  };
}

async function main(): Promise<void> {
  const hasNab = existsSync(NAB_DATA) && existsSync(NAB_LABELS);
  const result = {
    nab: hasNab ? { off: await nab(false), on: await nab(true) } : null,
    suite: { scenarios: SUITE_N, seed: 1, off: await suite(false), on: await suite(true) },
  };
  if (process.argv.includes('--json')) { process.stdout.write(`${JSON.stringify(result)}\n`); return; }
  const lines = ['adaptive sampling in the filter: off / on', '| measure | sampling off | sampling on |', '|---|---|---|'];
  if (result.nab) {
    const { off, on } = result.nab;
    lines.push(`| NAB standard (auto detector) | ${off.standard} | ${on.standard} |`);
    lines.push(`| NAB reward_low_FP / reward_low_FN | ${off.reward_low_FP_rate} / ${off.reward_low_FN_rate} | ${on.reward_low_FP_rate} / ${on.reward_low_FN_rate} |`);
    lines.push(`| NAB rows the detector saw | 100 % | ${(100 * on.keptShare).toFixed(1)} % |`);
  } else lines.push(`| NAB | not found at ${NAB_DATA} (set NAB_DATA, NAB_LABELS) | |`);
  const { off, on } = result.suite;
  lines.push(`| suite (${SUITE_N} scenarios, seed 1, offline): SLO-violation minutes | ${off.sloViolationMinutes} | ${on.sloViolationMinutes} |`);
  lines.push(`| suite: instance-minutes | ${off.instanceMinutes} | ${on.instanceMinutes} |`);
  lines.push(`| suite: SLO minutes / best HPA's | ${off.sloRatioToBest} | ${on.sloRatioToBest} |`);
  lines.push(`| suite: harmful actions | ${off.harmfulActions} | ${on.harmfulActions} |`);
  lines.push(`| suite: samples the detector saw | 100 % | ${(100 * on.keptShare).toFixed(1)} % |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => { process.stderr.write(`bench:sampling: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); });
