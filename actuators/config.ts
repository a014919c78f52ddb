/**
 * Configuration of the real actuators (DESIGN §9): which actuator acts on which services, and
 * how. One list, validated once; the config file's `actuators` section has this shape.
 *
 *   { "name": "billing", "type": "exec", "services": ["billable-api"],
 *     "commands": { "scale-out": { "run": ["./ctl", "scale", "{params.instances}"] } } }
 *   { "name": "ops-hook", "type": "webhook", "services": ["*"], "url": "http://127.0.0.1:9000/act" }
 */
import { Type, type Static } from '@sinclair/typebox';
import { ActionType } from '../runtime/contracts/control.js';
import { checkWithDefaults, describeProblems } from '../runtime/contracts/validate.js';
import { ConfigError } from '../runtime/errors.js';

const Argv = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1, description: 'program and arguments (no shell); {placeholders} are filled from the action',
});

/** One action type's command, and the command that compensates it (rollback). */
export const ExecCommand = Type.Object({
  run: Argv,
  undo: Type.Optional(Argv),
  timeoutS: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
}, { additionalProperties: false });
export type ExecCommand = Static<typeof ExecCommand>;

const Services = Type.Array(Type.String({ pattern: '^([A-Za-z0-9_-]{1,64}|\\*)$' }), {
  minItems: 1, description: "the services this actuator acts on; '*' for any",
});

export const ExecActuatorConfig = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  type: Type.Literal('exec'),
  services: Services,
  commands: Type.Record(Type.String(), ExecCommand, { description: 'action type -> command' }),
  probe: Type.Optional(Type.Object({ run: Argv }, {
    additionalProperties: false, description: "prints the service's state as one JSON object: the result's `before`",
  })),
  timeoutS: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 60 }),
  cwd: Type.Optional(Type.String({ minLength: 1 })),
  env: Type.Record(Type.String(), Type.String(), { default: {} }),
}, { additionalProperties: false });
export type ExecActuatorConfig = Static<typeof ExecActuatorConfig>;

export const WebhookActuatorConfig = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  type: Type.Literal('webhook'),
  services: Services,
  url: Type.String({ pattern: '^https?://' }),
  headers: Type.Record(Type.String(), Type.String(), { default: {} }),
  timeoutS: Type.Number({ exclusiveMinimum: 0, maximum: 600, default: 10 }),
}, { additionalProperties: false });
export type WebhookActuatorConfig = Static<typeof WebhookActuatorConfig>;

export const ActuatorConfig = Type.Union([ExecActuatorConfig, WebhookActuatorConfig]);
export type ActuatorConfig = Static<typeof ActuatorConfig>;

export const ActuatorsConfig = Type.Array(ActuatorConfig);
export type ActuatorsConfig = Static<typeof ActuatorsConfig>;

/**
 * Validates the `actuators` section (defaults filled in). Throws a ConfigError naming the path
 * (`actuators.0.commands.scale-out.run: ...`), an unknown action type, or a repeated name.
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
  return Object.keys(c.commands).filter((t) => !known.includes(t))
    .map((t) => `${where}.commands.${t}: unknown action type (known: ${known.join(', ')})`);
}

/** The actuator in charge of a service: the first whose list names it, else the first with '*'. */
export function actuatorFor<T extends { services: string[] }>(list: readonly T[], service: string): T | undefined {
  return list.find((a) => a.services.includes(service)) ?? list.find((a) => a.services.includes('*'));
}
