#!/usr/bin/env node
/**
 * The entry point of one agent process: `node dist/runtime/agent-main.js <kind> [agentId]`.
 * NATS address and credentials come from the environment (set by the supervisor):
 * VIGIL_NATS_URL, VIGIL_NATS_USER, VIGIL_NATS_PASSWORD; VIGIL_AGENT_CONFIG (JSON overrides),
 * VIGIL_SUPERVISOR_PID (the agent stops when that parent is gone), VIGIL_LOG_LEVEL, VIGIL_MAX_SKEW_MS (how far ahead of the agent's clock an event time may be),
 * VIGIL_METRICS_PORT (/metrics on loopback: unset = a free port, off = none). Exit codes: 0 clean stop, 78 configuration error, 1 anything else.
 */
// Only this import is static: the optimising compiler is off before anything else loads
// (runtime/startup-compiler.ts), and the agent turns it on once it is up.
import './startup-compiler.js';

const { run } = await import('./agent-process.js');
run();
