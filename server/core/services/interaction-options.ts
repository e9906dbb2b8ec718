import { fieldError, FieldErrors } from '../errors.js';
import type { Component } from '../components.js';
import type { ResolveRequest } from './interaction-resolved.js';

/** An option as declared by a command or as given by an invocation (`focused` only for autocomplete). */
export interface CommandOption {
  name: string;
  type: number;
  required?: boolean;
  autocomplete?: boolean;
  focused?: boolean;
  value?: unknown;
  options?: CommandOption[];
}

type Path = (string | number)[];
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
/** Option types whose value is an id to resolve: USER, CHANNEL, ROLE, MENTIONABLE. */
const ENTITY_KIND: Record<number, keyof ResolveRequest> = { 6: 'users', 7: 'channels', 8: 'roles', 9: 'mentionables' };

/**
 * The options given must be the command's, with its types (subcommands walked), and its required
 * ones present unless `partial` (an autocomplete request, sent while the user is still typing).
 */
export function checkOptions(declared: CommandOption[], given: CommandOption[], partial = false): void {
  const errors = new FieldErrors();
  walk(declared, given, ['data', 'options'], errors, partial);
  errors.throwIfAny();
}

function walk(declared: CommandOption[], given: CommandOption[], path: Path, errors: FieldErrors, partial: boolean): void {
  given.forEach((o, i) => {
    const match = declared.find((d) => d.name === o.name);
    if (!match || match.type !== o.type) return void errors.add([...path, i, 'name'], 'APPLICATION_COMMAND_OPTION_INVALID', 'Unknown option or wrong type');
    if (match.type === SUB_COMMAND || match.type === SUB_COMMAND_GROUP) walk(match.options ?? [], o.options ?? [], [...path, i, 'options'], errors, partial);
  });
  if (partial) return;
  for (const d of declared) {
    if (d.required && d.type > SUB_COMMAND_GROUP && !given.some((o) => o.name === d.name)) errors.add(path, 'APPLICATION_COMMAND_OPTION_REQUIRED', `Option "${d.name}" is required`);
  }
}

/** An autocomplete request names exactly one focused option, and that option asked for autocomplete. */
export function checkFocused(declared: CommandOption[], given: CommandOption[]): void {
  const focused: { path: Path; declared: CommandOption | undefined }[] = [];
  const find = (decl: CommandOption[], opts: CommandOption[], path: Path): void =>
    opts.forEach((o, i) => {
      const match = decl.find((d) => d.name === o.name);
      if (o.focused === true) focused.push({ path: [...path, i], declared: match });
      if (o.options) find(match?.options ?? [], o.options, [...path, i, 'options']);
    });
  find(declared, given, ['data', 'options']);
  if (focused.length !== 1) throw fieldError(['data', 'options'], 'APPLICATION_COMMAND_AUTOCOMPLETE_FOCUS_INVALID', 'Exactly one option must be focused');
  const [one] = focused;
  if (!one!.declared?.autocomplete) throw fieldError([...one!.path, 'focused'], 'APPLICATION_COMMAND_AUTOCOMPLETE_DISABLED', 'This option does not have autocomplete enabled');
}

/** The id-valued options of an invocation (users, channels, roles, mentionables) and where each was given. */
export function entityOptions(given: CommandOption[]): { request: ResolveRequest; at: Map<string, Path[]> } {
  const request: ResolveRequest = {};
  const at = new Map<string, Path[]>();
  const errors = new FieldErrors();
  const visit = (opts: CommandOption[], path: Path): void =>
    opts.forEach((o, i) => {
      const kind = ENTITY_KIND[o.type];
      if (kind) {
        const value = typeof o.value === 'number' ? String(o.value) : o.value;
        if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return void errors.add([...path, i, 'value'], 'NUMBER_TYPE_COERCE', `Value "${String(o.value)}" is not snowflake.`);
        (request[kind] ??= []).push(value);
        at.set(value, [...(at.get(value) ?? []), [...path, i, 'value']]);
      }
      if (o.options) visit(o.options, [...path, i, 'options']);
    });
  visit(given, ['data', 'options']);
  errors.throwIfAny();
  return { request, at };
}

/** Select kinds whose values are ids: USER, ROLE, MENTIONABLE, CHANNEL selects. */
export const SELECT_KIND: Record<number, keyof ResolveRequest> = { 5: 'users', 6: 'roles', 7: 'mentionables', 8: 'channels' };

/** The values chosen in a select menu: between its min and max, distinct, and (string selects) among its options. */
export function checkSelectValues(component: Component, values: unknown): string[] {
  const path = ['data', 'values'];
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw fieldError(path, 'BASE_TYPE_ARRAY', 'Must be an array of strings.');
  const min = Number(component.min_values ?? 1);
  const max = Number(component.max_values ?? 1);
  if (values.length < min || values.length > max) throw fieldError(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  if (new Set(values).size !== values.length) throw fieldError(path, 'SELECT_COMPONENT_VALUES_DUPLICATED', 'Values must be unique');
  const errors = new FieldErrors();
  if (component.type === 3) {
    const allowed = new Set(((component.options ?? []) as { value: string }[]).map((o) => o.value));
    values.forEach((v, i) => {
      if (!allowed.has(v)) errors.add([...path, i], 'SELECT_COMPONENT_OPTION_VALUE_INVALID', `"${v}" is not one of the menu's options`);
    });
  } else {
    values.forEach((v, i) => {
      if (!/^\d{1,20}$/.test(v)) errors.add([...path, i], 'NUMBER_TYPE_COERCE', `Value "${v}" is not snowflake.`);
    });
  }
  errors.throwIfAny();
  return values as string[];
}
