/**
 * Configuration of the real actuators (DESIGN §9): which actuator acts on which services, and
 * how. The deployment file's `actuators` section has this shape (the same as deploy/outputs.ts
 * of the deployment file, plus the exec `probe`):
 *
 *   { "name": "billing", "type": "exec", "services": ["billable-api"],
 *     "probe": { "run": ["./ctl", "state"] },
 *     "actions": { "scale-out": { "run": ["./ctl", "scale", "{params.instances}"] },
 *                  "rollback-deploy": { "run": ["./ctl", "deploy", "{params.version}"], "compensate": ["./ctl", "deploy", "{before.version}"] } } }
 *   { "name": "ops-hook", "type": "webhook", "url": "http://127.0.0.1:9000/act" }
 *
 * An empty `services` list means every service; a webhook's empty `actions` list, every type.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ActionType, Token } from '../runtime/contracts/index.js';
import { checkWithDefaults, describeProblems } from '../runtime/contracts/validate.js';
import { ConfigError } from '../runtime/errors.js';

const Argv = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1, description: 'program and arguments (no shell); {placeholders} are filled from the action',
});

/** One action type's command, and the command that compensates it (rollback). */
export const CommandTemplate = Type.Object({
  run: Argv,
  compensate: Type.Optional(Argv),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
}, { additionalProperties: false });
export type CommandTemplate = Static<typeof CommandTemplate>;

export const ExecActuatorConfig = Type.Object({
  name: Token,
  type: Type.Literal('exec'),
  services: Type.Array(Token, { default: [], description: 'services it acts on; empty: all' }),
  timeoutMs: Type.Integer({ minimum: 100, default: 30_000 }),
  cwd: Type.Optional(Type.String()),
  env: Type.Record(Type.String(), Type.String(), { default: {} }),
  dryRun: Type.Boolean({ default: false, description: 'render the commands, run none' }),
  probe: Type.Optional(Type.Object({ run: Argv }, {
    additionalProperties: false, description: "prints the service's state as one JSON object: the result's `before`, which a rollback restores",
  })),
  actions: Type.Record(Type.String(), CommandTemplate, { default: {}, description: 'action type (scale-out, restart, rollback-deploy...) -> command' }),
}, { additionalProperties: false });
export type ExecActuatorConfig = Static<typeof ExecActuatorConfig>;

export const WebhookActuatorConfig = Type.Object({
  name: Token,
  type: Type.Literal('webhook'),
  services: Type.Array(Token, { default: [] }),
  url: Type.String({ pattern: '^https?://' }),
  headers: Type.Record(Type.String(), Type.String(), { default: {} }),
  timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  dryRun: Type.Boolean({ default: false }),
  actions: Type.Array(ActionType, { default: [], description: 'action types it handles; empty: all' }),
}, { additionalProperties: false });
export type WebhookActuatorConfig = Static<typeof WebhookActuatorConfig>;

export type ActuatorConfig = ExecActuatorConfig | WebhookActuatorConfig;
export type ActuatorsConfig = ActuatorConfig[];

/**
 * Validates the `actuators` section (defaults filled in). Throws a ConfigError naming the path
 * (`actuators.0.actions.scale-out.run: ...`), an unknown action type, or a repeated name.
 */
export function parseActuatorsConfig(value: unknown, where = 'actuators'): ActuatorsConfig {
  if (!Array.isArray(value)) throw new ConfigError(`${where}: must be an array of actuators`);
  const problems: string[] = [];
  value.forEach((entry, i) => {
    const kind = (entry as { type?: unknown } | null)?.type;
    const schema = kind === 'exec' ? ExecActuatorConfig : kind === 'webhook' ? WebhookActuatorConfig : null;
    if (!schema) { problems.push(`${where}.${i}.type: must be 'exec' or 'webhook'`); return; }
    const r = checkWithDefaults(schema, entry);
    if (!r.ok) problems.push(describeProblems(`${where}.${i}`, r.problems));
    else if (r.value.type === 'exec') problems.push(...unknownTypes(r.value, `${where}.${i}`));
  });
  const names = value.map((e) => (e as { name?: unknown }).name);
  names.forEach((n, i) => { if (names.indexOf(n) !== i) problems.push(`${where}.${i}.name: '${String(n)}' is used twice`); });
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return value as ActuatorsConfig;
}

function unknownTypes(c: ExecActuatorConfig, where: string): string[] {
  const known = ActionType.anyOf.map((s) => String(s.const));
  return Object.keys(c.actions).filter((t) => !known.includes(t))
    .map((t) => `${where}.actions.${t}: unknown action type (known: ${known.join(', ')})`);
}

/**
 * The actuator in charge of an action: among those that handle its type, the first that names
 * the service, else the first for every service. `handles` says whether one can do the type.
 */
export function actuatorFor<T extends { services: string[] }>(list: readonly T[], service: string, handles: (a: T) => boolean): T | undefined {
  const able = list.filter(handles);
  return able.find((a) => a.services.includes(service)) ?? able.find((a) => a.services.length === 0);
}
