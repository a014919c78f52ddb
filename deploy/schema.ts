import { Type, type Static } from '@sinclair/typebox';
import { FileSd, Probe, Receivers, ScrapeTarget } from '../agents/base/collector/config.js';
import { CatalogEntry, Streams } from '../runtime/contracts/index.js';
import type { ActuatorsConfig } from '../actuators/config.js';
import type { NotificationsConfig } from '../notifications/config.js';

/** Retention of one JetStream stream: recent data kept hot, older data archived to files, then dropped. */
export const Retention = Type.Object({
  maxAgeS: Type.Integer({ minimum: 60, description: 'messages older than this leave the stream' }),
  maxBytes: Type.Optional(Type.Integer({ minimum: 1024 * 1024 })),
  archiveDir: Type.Optional(Type.String({ description: 'messages are copied to JSON-lines files here before they expire' })),
}, { additionalProperties: false });
export type Retention = Static<typeof Retention>;

const streamKeys = Object.keys(Streams) as (keyof typeof Streams)[];

/** A scaling trigger changed for this deployment (the orchestrator's set-trigger directive). */
const TriggerOverride = Type.Object({
  trigger: Type.String({ minLength: 1, description: 'trigger name, e.g. cpu-high' }),
  threshold: Type.Optional(Type.Number()),
  durationS: Type.Optional(Type.Integer({ minimum: 0 })),
  cooldownS: Type.Optional(Type.Integer({ minimum: 0 })),
}, { additionalProperties: false });

/**
 * One file describes a real deployment (JSON or YAML): what to collect (scrape targets with
 * label selectors, file_sd discovery, blackbox probes, push receivers), the service
 * catalogue, how to act and whom to tell (actuators, channels, approvals), policy overrides,
 * retention per stream, and per-agent configuration. Strings may use ${VAR} or
 * ${VAR:-default} from the environment (secrets stay out of the file).
 */
export const DeployConfig = Type.Object({
  version: Type.Literal(1, { default: 1 }),
  collector: Type.Object({
    intervalS: Type.Number({ minimum: 1, maximum: 60, default: 5 }),
    scrapeTimeoutMs: Type.Integer({ minimum: 100, default: 2000 }),
    host: Type.Object({ enabled: Type.Boolean({ default: true }), service: Type.String({ default: 'host' }) }, { additionalProperties: false, default: {} }),
  }, { additionalProperties: false, default: {} }),
  targets: Type.Array(ScrapeTarget, { default: [] }),
  fileSd: Type.Array(FileSd, { default: [] }),
  probes: Type.Array(Probe, { default: [] }),
  receivers: Receivers,
  services: Type.Array(CatalogEntry, { default: [], description: 'the service catalogue: tier, owner, criticality, dependencies, SLOs, billing' }),
  policy: Type.Object({
    dryRun: Type.Boolean({ default: false, description: 'actions are published as dry runs: no actuator changes anything' }),
    triggers: Type.Array(TriggerOverride, { default: [] }),
    overrides: Type.Array(Type.Object({ path: Type.String({ minLength: 1 }), value: Type.Unknown() }, { additionalProperties: false }), {
      default: [], description: "policy data changed by path (the orchestrator's set-policy directive)",
    }),
    approvals: Type.Optional(Type.Unknown({ description: "action types or services reserved to humans (the orchestrator's approvals configuration)" })),
  }, { additionalProperties: false, default: {} }),
  actuators: Type.Array(Type.Unknown(), { default: [], description: 'exec and webhook actuators (actuators/config.ts)' }),
  notifications: Type.Optional(Type.Unknown({ description: 'channels (slack, pagerduty, webhook) and retries (notifications/config.ts)' })),
  retention: Type.Object(Object.fromEntries(streamKeys.map((k) => [k, Type.Optional(Retention)])), { additionalProperties: false, default: {} }),
  agents: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
    default: {}, description: 'configuration per agent kind (e.g. correlator: {quietS: 60}), validated against that agent',
  }),
}, { additionalProperties: false });
/** A validated deployment: the actuators and notifications sections checked by their owners' parsers. */
export type DeployConfig = Omit<Static<typeof DeployConfig>, 'actuators' | 'notifications'> & { actuators: ActuatorsConfig; notifications?: NotificationsConfig };
