import { FieldErrors } from '../errors.js';

export interface Choice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string>;
}

/**
 * The choices of an autocomplete answer (callback 8): at most 25, each a name of 1–100
 * characters and a string value of up to 100 characters or a number (50035 otherwise).
 */
export function checkChoices(raw: unknown): Choice[] {
  const path = ['data', 'choices'];
  const errors = new FieldErrors();
  if (!Array.isArray(raw)) {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required').throwIfAny();
    return [];
  }
  if (raw.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const choices = raw.slice(0, 25).map((c: unknown, i): Choice => {
    const at = [...path, i];
    const o = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name.length < 1 || o.name.length > 100) errors.add([...at, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    const value = o.value;
    const okValue = (typeof value === 'string' && value.length <= 100) || (typeof value === 'number' && Number.isFinite(value));
    if (!okValue) errors.add([...at, 'value'], 'BASE_TYPE_BAD_LENGTH', 'Must be a string of 100 or fewer characters, or a number.');
    const localized = typeof o.name_localizations === 'object' && o.name_localizations !== null ? { name_localizations: o.name_localizations as Record<string, string> } : {};
    return { name: String(o.name), value: value as string | number, ...localized };
  });
  errors.throwIfAny();
  return choices;
}
