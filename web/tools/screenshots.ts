#!/usr/bin/env node
/**
 * `npm run screenshots [-- --scenario cascade --tick-delay 120 --out docs]`: starts a fleet of
 * its own (temporary home, free ports) with the dashboard, plays a real scenario through it,
 * and saves a PNG of each view (and of the post-incident report) into `--out`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { freePort } from '../../runtime/bench/bench-fleet.js';
import { launchChromium } from '../browser.js';

const CLI = fileURLToPath(new URL('../../runtime/cli/main.js', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Runs the vigil CLI against the temporary fleet; rejects with its stderr on a non-zero exit. */
function vigil(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`vigil ${args.join(' ')} exited with ${code}: ${err}`))));
  });
}

interface Snap { incidents: { id: string; status: string; service: string; alerts: unknown[]; action: unknown }[] }

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  process.stderr.write(`screenshots: no ${what} within ${timeoutMs} ms; taking the picture anyway\n`);
  return undefined;
}

async function shot(page: Page, url: string, file: string, ready: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(ready, undefined, { timeout: 30_000, polling: 200 });
  await page.waitForTimeout(600); // let uPlot finish its first paint after the data arrived
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`wrote ${file}\n`);
}

async function main(): Promise<void> {
  const scenario = arg('scenario', 'cascade');
  const out = resolve(arg('out', 'docs'));
  const tickDelay = arg('tick-delay', '120');
  mkdirSync(out, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'vigil-shots-'));
  const port = await freePort();
  const env = { ...process.env, VIGIL_HOME: home, VIGIL_NATS_URL: `nats://127.0.0.1:${await freePort()}`, VIGIL_LOG_LEVEL: 'warn' };
  const base = `http://127.0.0.1:${port}/`;
  const browser = await launchChromium();
  try {
    await vigil(env, ['up', '--detach', '--dashboard', String(port)]);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const snapshot = async (): Promise<Snap> => (await fetch(`${base}api/snapshot`)).json() as Promise<Snap>;
    const run = vigil(env, ['sim', 'run', scenario, '--tick-delay', tickDelay]);
    let finished = false;
    void run.then(() => { finished = true; }, () => { finished = true; });
    const open = await poll('open incident with an action', async () => {
      const s = await snapshot();
      return finished ? s.incidents[0] : s.incidents.find((i) => i.status === 'open' && i.alerts.length > 0 && i.action);
    }, 180_000);
    await shot(page, `${base}#/executive`, join(out, 'dashboard-executive.png'), `document.querySelectorAll('#view canvas').length >= 2`);
    await shot(page, `${base}#/operational`, join(out, 'dashboard-operational.png'), `document.querySelectorAll('#services tr[data-service]').length > 0`);
    await run;
    const incident = open ?? (await snapshot()).incidents[0];
    await shot(page, `${base}#/technical`, join(out, 'dashboard-technical.png'), `document.querySelectorAll('#agents tbody tr').length >= 9`);
    const service = incident?.service ?? 'api';
    await shot(page, `${base}#/service/${service}`, join(out, 'dashboard-service.png'), `document.querySelectorAll('#view canvas').length >= 5`);
    if (incident) {
      await shot(page, `${base}#/incident/${encodeURIComponent(incident.id)}`, join(out, 'dashboard-incident.png'), `document.querySelectorAll('#timeline tbody tr').length > 0`);
      const html = join(home, 'report.html');
      await vigil(env, ['report', 'last', '--html', html]);
      await page.setViewportSize({ width: 1000, height: 1400 });
      await page.setContent(readFileSync(html, 'utf8'));
      await page.screenshot({ path: join(out, 'report.png') });
      process.stdout.write(`wrote ${join(out, 'report.png')}\n`);
    }
  } finally {
    await browser.close();
    await vigil(env, ['down']).catch((err: unknown) => process.stderr.write(`screenshots: ${String(err)}\n`));
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
