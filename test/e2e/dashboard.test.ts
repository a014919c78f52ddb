import { spawn, execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/bench/bench-fleet.js';
import { launchChromium } from '../../web/browser.js';
import { CLI, runCli } from '../helpers/fleet.js';
import { waitFor } from '../helpers/wait.js';

/** Waits for a condition in the page (real Chromium), failing with what it waited for. */
async function until(page: Page, what: string, fn: string, timeoutMs = 30_000): Promise<void> {
  try {
    await page.waitForFunction(fn, undefined, { timeout: timeoutMs, polling: 200 });
  } catch (err) {
    throw new Error(`page: timed out after ${timeoutMs} ms waiting for ${what}: ${String(err).split('\n')[0]}`);
  }
}

/**
 * The dashboard and the post-incident report from the outside, in Debian's Chromium:
 * `vigil up --detach --dashboard`, then a cpu-spike scenario played with a tick delay
 * while the page is open, then `vigil report` to HTML and PDF (read back with pdftotext).
 */
describe('e2e: live dashboard in Chromium and post-incident report', () => {
  const home = mkdtempSync(join(tmpdir(), 'vigil-web-'));
  let env: { home: string; url: string };
  let url: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let runId = '';
  let incidentId = '';

  beforeAll(async () => {
    env = { home, url: `nats://127.0.0.1:${await freePort()}` };
    const port = await freePort();
    const up = await runCli(env, ['up', '--detach', '--dashboard', String(port), '--json']);
    expect(up.code, up.stderr).toBe(0);
    url = `http://127.0.0.1:${port}/`;
    await waitFor('the dashboard to answer', async () => (await fetch(`${url}api/snapshot`)).ok, 30_000, 200);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const down = await runCli(env, ['down', '--json']);
    rmSync(home, { recursive: true, force: true });
    expect(down.code, down.stderr).toBe(0);
  }, 60_000);

  it('loads and shows the whole agent fleet, healthy', async () => {
    await page.goto(`${url}#/technical`);
    await until(page, 'nine agents in the fleet table', `document.querySelectorAll('#agents tbody tr[data-agent]').length === 9`);
    await until(page, 'every agent healthy', `[...document.querySelectorAll('#agents tbody tr')].every((r) => r.dataset.status === 'healthy')`);
    expect(await page.locator('#live').textContent()).toBe('live');
    expect(await page.locator('#agents').textContent()).toContain('orchestrator-1');
  }, 60_000);

  it('updates while a scenario runs, without reloading', async () => {
    await page.goto(`${url}#/operational`);
    await until(page, 'the first snapshot', `document.getElementById('view').dataset.version !== '-1'`);
    const sim = runCli(env, ['sim', 'run', 'cpu-spike', '--tick-delay', '40', '--json'], 180_000);
    await until(page, 'the api service row of the new run', `document.querySelector('#services tr[data-service="api"]') !== null`, 60_000);
    const first = await page.locator('#event-time').textContent();
    await until(page, 'event time to move on', `document.getElementById('event-time').textContent !== ${JSON.stringify(first)}`, 60_000);
    await until(page, 'a scaling event in the table', `document.querySelectorAll('#scaling tbody tr').length > 0`, 120_000);
    const res = await sim;
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { incidents: { id: string }[] };
    incidentId = report.incidents[0]?.id ?? '';
    expect(incidentId).not.toBe('');
    runId = ((await page.locator('#run-id').textContent()) ?? '').replace(/^run /, '');
    expect(runId).toMatch(/^run-/);
  }, 200_000);

  it('renders each view: executive, operational, technical, service drill-down, incident timeline', async () => {
    await page.goto(`${url}#/executive`);
    await until(page, 'the executive KPIs', `/%/.test(document.querySelector('[data-kpi="availability"] .value')?.textContent ?? '')`);
    await until(page, 'two trend charts', `document.querySelectorAll('#view canvas').length >= 2`);
    expect(await page.locator('[data-priority="P1"]').count()).toBe(1);
    await page.goto(`${url}#/operational`);
    await until(page, 'services with a status colour', `document.querySelectorAll('#services tr[data-status]').length >= 2`);
    await until(page, 'alerts with their lifecycle status', `document.querySelectorAll('#alert-lifecycle tbody tr[data-alert]').length > 0`);
    await page.goto(`${url}#/technical`);
    await until(page, 'the fleet table', `document.querySelectorAll('#agents tbody tr').length === 9`);
    await page.goto(`${url}#/service/api`);
    await until(page, 'five charts of api', `document.querySelectorAll('#view canvas').length >= 5`);
    await until(page, 'the raw metric picker', `document.querySelectorAll('#raw-metric option').length > 3`);
    await page.goto(`${url}#/incident/${encodeURIComponent(incidentId)}`);
    await until(page, 'the incident timeline from the audit stream', `[...document.querySelectorAll('#timeline tbody tr')].some((r) => r.classList.contains('src-audit'))`);
    expect(await page.locator('[data-kpi="root"] .value').textContent()).toBe('api');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('vigil dashboard serves the same data on its own port', async () => {
    const child = spawn(process.execPath, [CLI, 'dashboard', '--port', '0', '--json'], { env: { ...process.env, VIGIL_HOME: env.home, VIGIL_NATS_URL: env.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      const own = await waitFor('vigil dashboard to print its URL', () => (out.includes('\n') ? (JSON.parse(out.split('\n')[0]) as { url: string }).url : undefined), 30_000);
      const snap = await waitFor('a snapshot with the run', async () => {
        const s = (await (await fetch(`${own}api/snapshot`)).json()) as { run: { runId: string } | null; incidents: unknown[] };
        return s.run?.runId === runId && s.incidents.length > 0 ? s : undefined;
      }, 30_000, 250);
      expect(snap.incidents.length).toBeGreaterThan(0);
      expect((await fetch(`${own}api/service/${'x'.repeat(300)}`)).status).toBe(400);
      const rebound = await new Promise<number>((resolve, reject) => {
        get(`${own}api/snapshot`, { headers: { host: 'attacker.example:80' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }).on('error', reject);
      });
      expect(rebound, 'a request naming another host (DNS rebinding) is refused').toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('vigil report writes the post-incident report as HTML and PDF', async () => {
    const html = join(home, 'report.html');
    const pdf = join(home, 'report.pdf');
    const res = await runCli(env, ['report', runId, '--html', html, '--pdf', pdf]);
    expect(res.code, res.stderr).toBe(0);
    const page1 = readFileSync(html, 'utf8');
    expect(page1).toContain(incidentId);
    expect(page1).toContain('<svg class="chart"');
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const s of [`Post-incident report: run ${runId}`, 'What happened', 'Detection.', 'Diagnosis.', 'Actions and validation.', 'Business impact.', 'Revenue lost', 'of the monthly error budget', 'Recommendations', incidentId, 'scale-out']) {
      expect(text, `PDF text should contain '${s}'`).toContain(s);
    }
    const json = await runCli(env, ['report', incidentId, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const data = JSON.parse(json.stdout) as { subject: { kind: string }; incidents: { incident: { id: string } }[] };
    expect(data.subject.kind).toBe('incident');
    expect(data.incidents.map((i) => i.incident.id)).toEqual([incidentId]);
    const unknown = await runCli(env, ['report', 'no-such-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(runId);
  }, 90_000);
});
