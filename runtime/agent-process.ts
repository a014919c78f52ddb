/**
 * One agent process, once runtime/agent-main.ts (the entry point, documented there) has set
 * the start-up compiler flag: reads the environment, starts the agent, stops it on a signal.
 */
import { loadKind } from '../agents/wiring.js';
import { ConfigError, errorMessage } from './errors.js';
import { createLogger } from './log.js';
import { DEFAULT_NATS_URL } from './nats/connect.js';
import { startAgent } from './host/start-agent.js';
import { parsePartition, parseReplicas } from './host/partition.js';
import { optimiseFromNowOn } from './startup-compiler.js';

/** Starts the agent named on the command line; resolves once it is up. */
async function main(): Promise<void> {
  const [kind, idArg] = process.argv.slice(2);
  if (!kind) throw new ConfigError('usage: agent-main <kind> [agentId]');
  const { def, wiring } = await loadKind(kind);
  const agentId = idArg ?? `${kind}-1`;
  const log = createLogger({ agent: agentId, kind, tier: def.tier }, process.env.VIGIL_LOG_LEVEL ?? 'info');
  let overrides: unknown;
  try {
    overrides = process.env.VIGIL_AGENT_CONFIG ? JSON.parse(process.env.VIGIL_AGENT_CONFIG) : undefined;
  } catch (err) {
    throw new ConfigError(`${kind}: VIGIL_AGENT_CONFIG is not JSON: ${errorMessage(err)}`);
  }
  const supervisorPid = process.env.VIGIL_SUPERVISOR_PID ? Number(process.env.VIGIL_SUPERVISOR_PID) : undefined;
  if (supervisorPid && process.ppid !== supervisorPid) throw new Error(`started by pid ${process.ppid}, not by the supervisor ${supervisorPid}`);
  // Signals may come while the agent is still starting: remember them and stop once started.
  let stopSignal: string | null = null;
  let shutdown = (signal: string): void => { stopSignal = signal; };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  const agent = await startAgent(def, {
    agentId, log, upstreamKinds: [...wiring.upstream], announceWatermarks: wiring.downstream, config: overrides,
    nats: { url: process.env.VIGIL_NATS_URL ?? DEFAULT_NATS_URL, user: process.env.VIGIL_NATS_USER ?? kind, password: process.env.VIGIL_NATS_PASSWORD },
    heartbeatMs: Number(process.env.VIGIL_HEARTBEAT_MS ?? 1000),
    maxSkewMs: process.env.VIGIL_MAX_SKEW_MS ? Number(process.env.VIGIL_MAX_SKEW_MS) : undefined,
    metrics: metricsOption(process.env.VIGIL_METRICS_PORT),
    partition: parsePartition(process.env.VIGIL_PARTITION),
    replicas: parseReplicas(process.env.VIGIL_REPLICAS),
    supervisorPid,
    // Until the agent has data to handle, only start-up and housekeeping code has run.
    onFirstEpoch: optimiseFromNowOn,
  });
  shutdown = (signal: string): void => {
    log.info({ signal }, 'stopping');
    agent.stop().then(() => process.exit(0), (err) => { log.error({ err: errorMessage(err) }, 'unclean stop'); process.exit(1); });
  };
  if (stopSignal) shutdown(stopSignal);
  // An agent dies with its supervisor: when the parent that started it is gone (kill -9), the
  // process is reparented and this agent stops, so no orphan acts beside the next fleet.
  if (supervisorPid) {
    setInterval(() => { if (process.ppid !== supervisorPid) shutdown('supervisor gone'); }, 500).unref();
  }
  process.on('unhandledRejection', (err) => log.error({ err: errorMessage(err) }, 'unhandled rejection'));
}

/** VIGIL_METRICS_PORT: unset or 0 = a free loopback port, a number = that port, 'off' = no /metrics. */
function metricsOption(value: string | undefined): { port: number } | false {
  if (value === 'off') return false;
  const port = Number(value ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`VIGIL_METRICS_PORT=${value}: a port number (0 = any free one) or 'off'`);
  return { port };
}

/** Runs the agent; a start-up failure exits with 78 for a configuration error, else 1. */
export function run(): void {
  main().catch((err) => {
    process.stderr.write(`vigil agent: ${errorMessage(err)}\n`);
    process.exit(err instanceof ConfigError ? ConfigError.exitCode : 1);
  });
}
