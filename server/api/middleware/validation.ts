import { z } from 'zod';
import { FieldErrors, type HttpError } from '../../core/errors.js';

/** A snowflake id as Discord accepts it: a string (or number) of digits. */
export const snowflake = z.union([z.string(), z.number().int()]).transform((v, ctx) => {
  const s = String(v);
  if (!/^\d{1,20}$/.test(s) || BigInt(s) >= 1n << 63n) {
    ctx.addIssue({ code: 'custom', params: { discord: 'NUMBER_TYPE_COERCE' }, message: `Value "${s}" is not snowflake.` });
    return z.NEVER;
  }
  return s;
});

/** A permission bit field: decimal string or integer, returned as a bigint. */
export const permissionBits = z.union([z.string(), z.number().int().nonnegative()]).transform((v, ctx) => {
  const s = String(v);
  if (!/^\d{1,20}$/.test(s)) {
    ctx.addIssue({ code: 'custom', params: { discord: 'NUMBER_TYPE_COERCE' }, message: `Value "${s}" is not int.` });
    return z.NEVER;
  }
  return BigInt(s);
});

function describe(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input) ?? String(input);
}

/** Converts zod issues to Discord's nested 50035 `errors` (codes as Discord names them). */
export function toDiscordError(error: z.ZodError, root: readonly PropertyKey[] = []): HttpError {
  const errors = new FieldErrors();
  for (const issue of error.issues) {
    const path = [...root, ...issue.path];
    const [code, message] = translate(issue);
    errors.add(path, code, message);
  }
  return errors.toError();
}

function translate(issue: z.core.$ZodIssue): [string, string] {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return ['BASE_TYPE_REQUIRED', 'This field is required'];
      const got = describe(issue.input);
      switch (issue.expected) {
        case 'string':
          return ['BASE_TYPE_STRING', `Could not interpret "${got}" as string.`];
        case 'number':
        case 'int':
        case 'bigint':
          return ['NUMBER_TYPE_COERCE', `Value "${got}" is not int.`];
        case 'boolean':
          return ['BASE_TYPE_BOOLEAN', `Could not interpret "${got}" as boolean.`];
        case 'array':
          return ['BASE_TYPE_ARRAY', 'Must be an array.'];
        case 'object':
          return ['DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType'];
        default:
          return ['BASE_TYPE_INVALID', `Invalid value "${got}".`];
      }
    }
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint'
        ? ['NUMBER_TYPE_MAX', `int value should be less than or equal to ${String(issue.maximum)}.`]
        : ['BASE_TYPE_MAX_LENGTH', `Must be ${String(issue.maximum)} or fewer in length.`];
    case 'too_small':
      return issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint'
        ? ['NUMBER_TYPE_MIN', `int value should be greater than or equal to ${String(issue.minimum)}.`]
        : ['BASE_TYPE_MIN_LENGTH', `Must be ${String(issue.minimum)} or more in length.`];
    case 'invalid_value':
      return ['BASE_TYPE_CHOICES', `Value must be one of (${issue.values.map(String).join(', ')}).`];
    case 'invalid_format':
      return issue.format === 'email'
        ? ['EMAIL_TYPE_INVALID_EMAIL', 'Not a well formed email address.']
        : ['BASE_TYPE_INVALID', issue.message];
    case 'invalid_union':
      return ['BASE_TYPE_INVALID', 'Invalid value.'];
    case 'custom': {
      const code = (issue.params as { discord?: string } | undefined)?.discord ?? 'BASE_TYPE_INVALID';
      return [code, issue.message];
    }
    default:
      return ['BASE_TYPE_INVALID', issue.message];
  }
}
