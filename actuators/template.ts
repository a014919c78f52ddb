/**
 * Command templates of the exec actuator: each argv element may hold `{name}` placeholders,
 * filled from the action (never through a shell, so a value cannot inject a command).
 *
 *   {service} {actionId} {runId} {type} {dryRun} {revision}   the action itself
 *   {params.K}                                                 the action's params
 *   {before.K} {after.K}                                       for an undo command: the state the
 *                                                              compensated action recorded
 */

/** What a template may read. */
export interface TemplateContext {
  action: Record<string, unknown>;
  params: Record<string, unknown>;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

const PLACEHOLDER = /\{([A-Za-z0-9_.-]+)\}/g;

function lookup(ctx: TemplateContext, name: string): unknown {
  const [head, ...rest] = name.split('.');
  const key = rest.join('.');
  if (head === 'params') return ctx.params[key];
  if (head === 'before') return ctx.before?.[key];
  if (head === 'after') return ctx.after?.[key];
  return rest.length === 0 ? ctx.action[head] : undefined;
}

/**
 * Fills every placeholder of `argv`. Throws an Error naming the placeholder and the argument
 * when a value is missing or is not a string, number or boolean.
 */
export function renderArgv(argv: readonly string[], ctx: TemplateContext): string[] {
  return argv.map((arg, i) => arg.replace(PLACEHOLDER, (_m, name: string) => {
    const v = lookup(ctx, name);
    if (v === undefined || v === null) throw new Error(`argument ${i} ('${arg}'): no value for {${name}}`);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`argument ${i} ('${arg}'): {${name}} is not a string, number or boolean`);
    }
    return String(v);
  }));
}
