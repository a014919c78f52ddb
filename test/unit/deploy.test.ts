import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadDeployFile, parseDeployment } from '../../deploy/load.js';
import { planDeployment } from '../../deploy/plan.js';
import { agentOverridesFromEnv } from '../../deploy/watch.js';
import { REPO_ROOT } from '../helpers/nats-server.js';

const yaml = (text: string, opts: Parameters<typeof parseDeployment>[2] = {}) => parseDeployment(text, 'vigil.yaml', { env: {}, ...opts });

describe('deployment file', () => {
  it('the example validates, with ${VAR:-default} from the environment (numbers stay numbers)', () => {
    const loaded = loadDeployFile(join(REPO_ROOT, 'examples', 'vigil.yaml'), { strict: true, env: { PAY_API_URL: 'http://127.0.0.1:5555', VIGIL_ALERTMANAGER_PORT: '7777' } });
    expect(loaded.config.targets.map((t) => t.url)).toEqual(['http://127.0.0.1:9100/metrics', 'http://127.0.0.1:5555/metrics']);
    expect(loaded.config.receivers.alertmanager?.port).toBe(7777);
    expect(loaded.config.collector.intervalS).toBe(5);
    expect(loaded.rejected).toEqual([]);
  });

  it('every problem names the file and the path; an unset variable without default is one', () => {
    const bad = `
targets:
  - { service: a, url: "ftp://x", metrics: [{ from: x, metric: y, unit: furlongs }] }
receivers: { statsd: { port: 99999 } }
channels: [{ name: ops, type: slack, url: "\${SLACK_URL}" }]
`;
    expect(() => yaml(bad, { strict: true })).toThrow(/vigil.yaml: channels.0.url: environment variable SLACK_URL is not set/);
    const noEnv = bad.replace('${SLACK_URL}', 'https://hooks.example/x');
    const err = (() => { try { yaml(noEnv, { strict: true }); return ''; } catch (e) { return (e as Error).message; } })();
    expect(err).toContain('vigil.yaml: targets.0.url: must match pattern');
    expect(err).toContain('vigil.yaml: targets.0.metrics.0.unit: must be one of "percent", "ratio"');
    expect(err).toContain('vigil.yaml: receivers.statsd.port: must be <= 65535');
    expect(() => yaml('targets: [', {})).toThrow(/vigil.yaml: not valid YAML/);
  });

  it('a bad target is refused alone (URL and reason kept); the rest of the file applies', () => {
    const text = `
targets:
  - { service: good, url: "http://127.0.0.1:1/metrics", metrics: [{ from: up, metric: up }] }
  - { service: bad, url: "http://127.0.0.1:2/metrics", metrics: [{ from: up, metric: up, unit: furlongs }] }
services: [{ service: good }]
`;
    expect(() => yaml(text, { strict: true })).toThrow(/targets.1.metrics.0.unit/);
    const loaded = yaml(text);
    expect(loaded.config.targets.map((t) => t.service)).toEqual(['good']);
    expect(loaded.rejected).toEqual([expect.stringMatching(/^http:\/\/127.0.0.1:2\/metrics: vigil.yaml targets.1.metrics.0.unit: must be one of/)]);
    expect(planDeployment(loaded).agents.collector).toMatchObject({ mode: 'live', rejected: loaded.rejected });
    // outside the per-entry sections, an error refuses the whole file
    expect(() => yaml(text.replace('{ service: good }]', '{ service: good, criticality: extreme }]'))).toThrow(/services.0.criticality/);
  });

  it('agents, policy, actuators and channels sections are validated and planned', () => {
    const loaded = yaml(`
agents: { correlator: { quietS: 5 } }
policy: { dryRun: true, triggers: [{ trigger: cpu-high, threshold: 80 }], overrides: [{ path: escalation.levels.0.afterS, value: 60 }], approvals: { rules: [{ types: [rollback-deploy] }], deadlineS: 600 } }
actuators: [{ name: shell, type: exec, services: ["*"], commands: { restart: { run: ["systemctl", "restart", "{service}"] } } }]
notifications: { channels: [{ name: pd, type: pagerduty, routingKey: abc }, { name: chat, type: slack, url: "https://hooks/x" }] }
`);
    const plan = planDeployment(loaded);
    expect(plan.agents.correlator).toEqual({ quietS: 5 });
    expect(plan.agents.orchestrator).toEqual({ dryRun: true, approvals: { rules: [{ types: ['rollback-deploy'] }], deadlineS: 600 }, policyChanges: [
      { type: 'set-trigger', params: { trigger: 'cpu-high', threshold: 80 } },
      { type: 'set-policy', params: { path: 'escalation.levels.0.afterS', value: 60 } },
    ] });
    expect(loaded.config.notifications?.channels.map((c) => c.name)).toEqual(['pd', 'chat']);
    expect(loaded.config.actuators[0]).toMatchObject({ name: 'shell', timeoutS: 60 });
    expect(() => yaml('agents: { correlator: { quietS: -1 } }')).toThrow(/agents.correlator: correlator: config.quietS: must be >= 0/);
    expect(() => yaml('agents: { nobody: {} }')).toThrow(/unknown agent kind/);
    expect(() => yaml('notifications: { channels: [{ name: pd, type: pagerduty }] }')).toThrow(/vigil.yaml: notifications: notifications.channels.0/);
    expect(() => yaml('actuators: [{ name: x, type: ssh }]')).toThrow(/vigil.yaml: actuators: actuators.0.type: must be 'exec' or 'webhook'/);
    expect(() => yaml('policy: { approvals: { nope: 1 } }')).toThrow(/vigil.yaml: policy.approvals: orchestrator: config.approvals/);
  });

  it('VIGIL_AGENT_CONFIG under vigil up maps kinds to their configuration', () => {
    expect(agentOverridesFromEnv('{"collector":{"intervalS":2}}')).toEqual({ collector: { intervalS: 2 } });
    expect(() => agentOverridesFromEnv('{"intervalS":2}')).toThrow(/'intervalS' is not an agent kind/);
    expect(() => agentOverridesFromEnv('nope')).toThrow(/not JSON/);
  });
});
