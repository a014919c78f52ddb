import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { agentKinds } from '../../../agents/registry.js';
import { ConfigError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { natsReachable } from '../../nats/connect.js';
import { generateCredentials, loadCredentials, saveCredentials, type Credentials } from '../../supervisor/credentials.js';
import { alive, readFleetFile, removeFleetFile } from '../../supervisor/fleet-file.js';
import { endProcesses, orphansOfFleetFile } from '../../supervisor/orphans.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import { clusterUrls } from '../../supervisor/nats-cluster.js';
import { cliEnv, output, withOperator, type CliEnv } from '../context.js';
import { formatFleet, waitForFleet } from './ps.js';
import { loadDeployFile } from '../../../deploy/load.js';
import { planDeployment, SIMULATION_PLAN } from '../../../deploy/plan.js';
import { readPlan, savePlan } from '../../../deploy/apply.js';
import { agentOverridesFromEnv, watchDeployment } from '../../../deploy/watch.js';
import { applyDeployment } from '../../../deploy/apply.js';
import { StreamArchiver } from '../../../deploy/archive.js';
import { Companions } from '../../../deploy/companions.js';
import { deepMerge } from '../../host/config.js';
import { parsePort, serveDashboard } from './dashboard.js';
import type { Dashboard } from '../../../web/server/dashboard.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** `vigil up`: start the fleet (and nats-server when none answers), print it, run until Ctrl-C. */
export function registerUp(program: Command): void {
  program.command('up')
    .description('start the agent fleet: nats-server if none is reachable, streams and buckets, one process per agent')
    .option('--detach', 'run the fleet in the background and return once every agent is healthy')
    .option('--scale <kind=n...>', 'run n instances of a kind (e.g. --scale detector=2)')
    .option('--replicas <n>', 'replicas of every JetStream stream and KV bucket (3 on a three-node cluster)')
    .option('--cluster <n>', 'start an n-node nats-server cluster on loopback, client ports from --nats-url\'s up (streams and buckets then default to min(n, 3) replicas)')
    .option('--timeout <ms>', 'how long to wait for a healthy fleet', '30000')
    .option('--dashboard [port]', 'also serve the live web dashboard on loopback (default port 8090)')
    .option('--json', 'print the fleet as JSON')
    .option('--config <file>', 'deployment file (JSON or YAML): live targets, probes, receivers, catalogue, actuators, channels, policy; reloaded when it changes')
    .action(async (opts: { detach?: boolean; scale?: string[]; timeout: string; dashboard?: string | boolean; replicas?: string; cluster?: string; json?: boolean; config?: string }, cmd: Command) => {
      const dashboardPort = opts.dashboard === undefined ? null : parsePort(typeof opts.dashboard === 'string' ? opts.dashboard : '8090');
      const env = cliEnv(cmd);
      const cluster = opts.cluster === undefined ? 1 : countOption('--cluster', opts.cluster, 1, 7);
      if (cluster > 1) env.natsUrl = clusterUrls(env.natsUrl, cluster);
      const replicas = opts.replicas === undefined ? Math.min(cluster, 3) : countOption('--replicas', opts.replicas, 1, 5);
      const running = readFleetFile(env.home);
      if (running && alive(running.supervisorPid)) {
        throw new ConfigError(`the fleet is already running (supervisor pid ${running.supervisorPid}); 'vigil down' stops it`);
      }
      // Every problem of the deployment file and of VIGIL_AGENT_CONFIG shows before anything starts.
      const deployment = opts.config ? loadDeployFile(opts.config) : undefined;
      const envOverrides = agentOverridesFromEnv(process.env.VIGIL_AGENT_CONFIG);
      // A supervisor killed with -9 may have left processes behind: end them, never run two copies.
      const left = running ? orphansOfFleetFile(running) : [];
      // Clients of the previous fleet (a scenario under way, a dashboard) reconnect with the
      // passwords they hold: the fleet that replaces a killed one keeps its credentials.
      const keepCredentials = left.length > 0 && existsSync(join(env.home, 'credentials.json'));
      if (keepCredentials) process.env.VIGIL_CREDENTIALS ??= join(env.home, 'credentials.json');
      if (left.length > 0) {
        if (!opts.json) process.stderr.write(`ending ${left.length} process(es) of the previous fleet: ${left.map((o) => `${o.what} (pid ${o.pid})`).join(', ')}\n`);
        await endProcesses(left);
        removeFleetFile(env.home);
      }
      const agents = agentKinds.map((kind) => ({ kind, count: scaleOf(opts.scale ?? [], kind) }));
      const expected = agents.reduce((n, a) => n + a.count, 0);
      const creds = await credentialsFor(env);
      saveCredentials(env.home, creds);
      if (opts.detach) {
        mkdirSync(env.home, { recursive: true });
        const log = openSync(join(env.home, 'fleet.log'), 'a');
        const args = [MAIN, '--home', env.home, '--nats-url', env.natsUrl, 'up', '--replicas', String(replicas), ...(opts.scale ?? []).flatMap((s) => ['--scale', s]),
          ...(dashboardPort === null ? [] : ['--dashboard', String(dashboardPort)]),
          ...(opts.config ? ['--config', resolve(opts.config)] : [])];
        const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: process.env });
        child.unref();
        const rows = await withOperatorWhenUp(env, Number(opts.timeout), (nc) => waitForFleet(nc, expected, Number(opts.timeout)));
        output(Boolean(opts.json), { supervisorPid: child.pid, natsUrl: env.natsUrl, agents: rows }, () =>
          `${formatFleet(rows)}${dashboardPort === null ? '' : `\ndashboard at http://127.0.0.1:${dashboardPort}/`}\n\nfleet running in the background (supervisor pid ${child.pid}, log ${join(env.home, 'fleet.log')}); 'vigil down' stops it`);
        return;
      }
      const log = createLogger({ component: 'supervisor' }, process.env.VIGIL_LOG_LEVEL ?? 'warn');
      // A fleet without a deployment file is a simulation fleet: a live setting left over never survives `vigil up`.
      savePlan(env.home, deployment ? planDeployment(deployment) : SIMULATION_PLAN);
      const onEvent = (l: string): void => { if (!opts.json) process.stderr.write(`${l}\n`); };
      const agentConfig = (kind: string): Record<string, unknown> | undefined => {
        const planned = readPlan(env.home)?.agents[kind];
        return envOverrides[kind] || planned ? deepMerge(envOverrides[kind] ?? {}, planned ?? {}) : undefined;
      };
      const supervisor = new Supervisor({ home: env.home, natsUrl: env.natsUrl, creds, agents, log, replicas, onEvent, agentConfig });
      const companions = new Companions(MAIN, env, onEvent);
      let dashboard: Dashboard | null = null;
      const stop = async (): Promise<void> => { await dashboard?.stop(); await companions.stop(); await supervisor.stop(); removeFleetFile(env.home); process.exit(0); };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await supervisor.start();
      const rows = await waitForFleet(supervisor.connection(), expected, Number(opts.timeout));
      if (deployment && opts.config) {
        const report = await applyDeployment(supervisor.connection(), deployment, { reconfigure: false });
        report.rejected.forEach((r) => onEvent(`${opts.config}: refused ${r}`));
        const archiver = new StreamArchiver(supervisor.connection(), onEvent);
        await archiver.start(deployment.config.retention);
        const file = resolve(opts.config);
        await companions.apply(deployment.config, file);
        watchDeployment(opts.config, env.home, supervisor.connection(), onEvent, async (loaded) => {
          await archiver.start(loaded.config.retention);
          await companions.apply(loaded.config, file);
        });
      }
      if (dashboardPort !== null) dashboard = await serveDashboard(env, { host: '127.0.0.1', port: dashboardPort });
      const page = dashboard ? `\ndashboard at ${dashboard.url}` : '';
      output(Boolean(opts.json), { supervisorPid: process.pid, natsUrl: env.natsUrl, agents: rows, dashboard: dashboard?.url ?? null }, () => `${formatFleet(rows)}${page}\n\nfleet up; Ctrl-C or 'vigil down' stops it`);
      await new Promise<never>(() => { /* run until a signal stops the fleet */ });
    });
}

function countOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} ${value}: must be an integer from ${min} to ${max}`);
  return n;
}

function scaleOf(scales: string[], kind: string): number {
  for (const s of scales) {
    const [k, n] = s.split('=');
    if (!agentKinds.includes(k as never)) throw new ConfigError(`--scale ${s}: unknown kind '${k}' (known: ${agentKinds.join(', ')})`);
    if (k === kind) {
      const count = Number(n);
      if (!Number.isInteger(count) || count < 1 || count > 16) throw new ConfigError(`--scale ${s}: count must be an integer from 1 to 16`);
      return count;
    }
  }
  return 1;
}

/** Credentials: a file named by VIGIL_CREDENTIALS, else the fleet's own when joining its server, else new ones. */
async function credentialsFor(env: CliEnv): Promise<Credentials> {
  if (process.env.VIGIL_CREDENTIALS) {
    const path = process.env.VIGIL_CREDENTIALS;
    if (!existsSync(path)) throw new ConfigError(`VIGIL_CREDENTIALS: no file at ${path}`);
    saveCredentials(env.home, JSON.parse(readFileSync(path, 'utf8')) as Credentials);
    return loadCredentials(env.home);
  }
  if (await natsReachable(env.natsUrl)) {
    try {
      return loadCredentials(env.home);
    } catch {
      throw new ConfigError(`a NATS server answers at ${env.natsUrl} but vigil has no credentials for it: set VIGIL_CREDENTIALS to a JSON file of {role: password} matching its nats.conf, or use another --nats-url`);
    }
  }
  return generateCredentials();
}

async function withOperatorWhenUp<T>(env: CliEnv, timeoutMs: number, fn: Parameters<typeof withOperator<T>>[1]): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!(await natsReachable(env.natsUrl, 300))) {
    if (Date.now() > deadline) throw new Error(`the fleet did not start within ${timeoutMs} ms: see ${join(env.home, 'fleet.log')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return withOperator(env, fn);
}
