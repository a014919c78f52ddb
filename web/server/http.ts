import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../sim/scenario-loader.js';
import type { LiveState } from '../model/live-state.js';
import { incidentDetail, serviceDetail, snapshot } from '../model/views.js';

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png' };
const ID = /^[A-Za-z0-9_:.-]{1,200}$/;

/** Files the page may load: its own (web/public) and uPlot's, served from node_modules (no CDN). */
function staticFiles(): Map<string, string> {
  const pub = join(repoRoot(), 'web', 'public');
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
  return new Map([
    ['/', join(pub, 'index.html')],
    ['/app.js', join(pub, 'app.js')],
    ['/views.js', join(pub, 'views.js')],
    ['/charts.js', join(pub, 'charts.js')],
    ['/style.css', join(pub, 'style.css')],
    ['/vendor/uPlot.iife.min.js', join(uplot, 'dist', 'uPlot.iife.min.js')],
    ['/vendor/uPlot.min.css', join(uplot, 'dist', 'uPlot.min.css')],
  ]);
}

/**
 * The dashboard's HTTP server: static files, JSON snapshots (/api/snapshot, /api/service/<name>,
 * /api/incident/<id>) and a server-sent event stream (/api/events) that pushes a snapshot at
 * most every `pushMs` while the state changes, and a keep-alive comment otherwise. Requests must
 * name this server in their Host header (a page of another site cannot reach it by DNS rebinding).
 */
export function createDashboardServer(state: LiveState, opts: { pushMs?: number; host?: string } = {}): Server {
  const files = staticFiles();
  const clients = new Set<ServerResponse>();
  let sent = -1;
  const push = setInterval(() => {
    if (clients.size === 0) return;
    if (state.version === sent) { for (const c of clients) c.write(': idle\n\n'); return; }
    sent = state.version;
    const data = `event: snapshot\ndata: ${JSON.stringify(snapshot(state, Date.now()))}\n\n`;
    for (const c of clients) c.write(data);
  }, opts.pushMs ?? 1000);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: `dashboard: ${String(err)}` });
      else res.end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: `method ${req.method} not allowed` });
    if (!hostAllowed(req.headers.host, opts.host ?? '127.0.0.1')) return json(res, 403, { error: `Host '${String(req.headers.host).slice(0, 80)}' is not this dashboard` });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = files.get(path);
    if (file) {
      res.writeHead(200, { 'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(await readFile(file));
      return;
    }
    if (path === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (path === '/api/snapshot') return json(res, 200, snapshot(state, Date.now()));
    if (path === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot(state, Date.now()))}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const [, kind, rawId] = /^\/api\/(service|incident)\/(.+)$/.exec(path) ?? [];
    if (kind) {
      const id = decodeURIComponent(rawId);
      if (!ID.test(id)) return json(res, 400, { error: `${kind} id '${id.slice(0, 80)}': letters, digits, _ : . - only` });
      const body = kind === 'service' ? serviceDetail(state, id) : incidentDetail(state, id);
      return body ? json(res, 200, body) : json(res, 404, { error: `no ${kind} '${id}' in the current run` });
    }
    json(res, 404, { error: `no page at ${path}` });
  }
  server.on('close', () => { clearInterval(push); for (const c of clients) c.end(); });
  return server;
}

/** The Host header names this server: a loopback name, or the address it listens on. */
function hostAllowed(header: string | undefined, listenHost: string): boolean {
  if (!header) return false;
  const name = header.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return ['127.0.0.1', 'localhost', '::1'].includes(name) || name === listenHost || listenHost === '0.0.0.0' || listenHost === '::';
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(JSON.stringify(body));
}
