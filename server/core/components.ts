import { FieldErrors } from './errors.js';

/**
 * Message components (action rows of buttons and select menus) checked the way Discord checks
 * them, with 50035's nested errors under `components`. Each accepted component is copied with
 * only its known fields and gets a numeric `id` (unique in the message) when it has none.
 */

export const ComponentType = { ActionRow: 1, Button: 2, StringSelect: 3, TextInput: 4, UserSelect: 5, RoleSelect: 6, MentionableSelect: 7, ChannelSelect: 8 } as const;

export type Component = Record<string, unknown> & { type: number; id: number; custom_id?: string };
export interface ActionRow {
  type: 1;
  id: number;
  components: Component[];
}

const SELECTS = new Set<number>([3, 5, 6, 7, 8]);
const LINK = 5;
const PREMIUM = 6;
const MAX_ROWS = 5;
const MAX_PER_ROW = 5;
const DEFAULT_TYPES: Record<number, string[]> = { 5: ['user'], 6: ['role'], 7: ['user', 'role'], 8: ['channel'] };

type Path = (string | number)[];
type Obj = Record<string, unknown>;

export interface ComponentRules {
  /** False for senders that may only use link buttons (a webhook no application owns). */
  interactive: boolean;
}

export function parseComponents(raw: unknown, rules: ComponentRules, root: Path = ['components']): ActionRow[] {
  const errors = new FieldErrors();
  const rows = new Parser(errors, rules).rows(raw, root);
  errors.throwIfAny();
  return rows;
}

/** Every component of a message, rows flattened. */
export function allComponents(rows: readonly ActionRow[]): Component[] {
  return rows.flatMap((r) => (Array.isArray(r.components) ? r.components : []));
}

class Parser {
  private readonly customIds = new Set<string>();
  private readonly ids = new Set<number>();
  private nextId = 1;

  constructor(
    private readonly errors: FieldErrors,
    private readonly rules: ComponentRules,
  ) {}

  rows(raw: unknown, path: Path): ActionRow[] {
    if (!Array.isArray(raw)) {
      this.errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
      return [];
    }
    if (raw.length > MAX_ROWS) this.errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ROWS} or fewer in length.`);
    // Explicit ids are reserved first so that generated ones never collide with them.
    for (const row of raw) for (const c of [row, ...(isObj(row) && Array.isArray(row.components) ? row.components : [])]) {
      if (isObj(c) && Number.isInteger(c.id)) this.ids.add(c.id as number);
    }
    return raw.slice(0, MAX_ROWS).flatMap((row, i) => this.row(row, [...path, i]) ?? []);
  }

  private row(raw: unknown, path: Path): ActionRow | undefined {
    if (!isObj(raw)) return void this.errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    if (raw.type !== ComponentType.ActionRow) return void this.errors.add([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
    const id = this.id(raw, path);
    const children = raw.components;
    if (!Array.isArray(children)) return void this.errors.add([...path, 'components'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (children.length < 1) this.errors.add([...path, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    if (children.length > MAX_PER_ROW) this.errors.add([...path, 'components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_PER_ROW} or fewer in length.`);
    const components = children.slice(0, MAX_PER_ROW).flatMap((c, i) => this.component(c, [...path, 'components', i]) ?? []);
    // A select menu fills its row alone; buttons share a row up to five.
    if (children.length > 1 && children.some((c) => isObj(c) && SELECTS.has(c.type as number))) {
      children.forEach((c, i) => {
        if (i > 0) this.errors.add([...path, 'components', i], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
      });
    }
    return { type: 1, id, components };
  }

  private component(raw: unknown, path: Path): Component | undefined {
    if (!isObj(raw)) return void this.errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    if (raw.type === ComponentType.Button) return this.button(raw, path);
    if (typeof raw.type === 'number' && SELECTS.has(raw.type)) return this.select(raw, path);
    this.errors.add([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).');
    return undefined;
  }

  private button(raw: Obj, path: Path): Component {
    const out: Component = { type: ComponentType.Button, id: this.id(raw, path) };
    const style = raw.style;
    if (!Number.isInteger(style) || (style as number) < 1 || (style as number) > 6) this.errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6).');
    out.style = style;
    this.string(raw, out, 'label', path, 0, 80);
    this.emoji(raw, out, path);
    this.bool(raw, out, 'disabled', path);
    if (style === LINK) {
      if (raw.custom_id !== undefined) this.errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_URL_CUSTOM_ID_EXCLUSIVE', 'A custom id and url cannot both be specified');
      if (raw.url === undefined) this.errors.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
      this.string(raw, out, 'url', path, 1, 512);
      if (typeof out.url === 'string' && !/^(https?|discord):\/\/\S+$/i.test(out.url)) this.errors.add([...path, 'url'], 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    } else if (style === PREMIUM) {
      if (!this.rules.interactive) this.notInteractive(path);
      if (typeof raw.sku_id !== 'string' || !/^\d{1,20}$/.test(raw.sku_id)) this.errors.add([...path, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
      else out.sku_id = raw.sku_id;
    } else {
      if (!this.rules.interactive) this.notInteractive(path);
      if (raw.url !== undefined) this.errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_CUSTOM_ID_EXCLUSIVE', 'A custom id and url cannot both be specified');
      this.customId(raw, out, path);
    }
    if (style !== PREMIUM && out.label === undefined && out.emoji === undefined) this.errors.add([...path, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or an emoji is required');
    return out;
  }

  private select(raw: Obj, path: Path): Component {
    const type = raw.type as number;
    const out: Component = { type, id: this.id(raw, path) };
    if (!this.rules.interactive) this.notInteractive(path);
    this.customId(raw, out, path);
    this.string(raw, out, 'placeholder', path, 0, 150);
    const min = this.int(raw, 'min_values', path, 0, 25) ?? 1;
    const max = this.int(raw, 'max_values', path, 1, 25) ?? 1;
    if (min > max) this.errors.add([...path, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_TOO_HIGH', 'min_values must be less than or equal to max_values');
    Object.assign(out, { min_values: min, max_values: max });
    this.bool(raw, out, 'disabled', path);
    if (type === ComponentType.StringSelect) {
      out.options = this.options(raw.options, [...path, 'options'], max);
    } else {
      if (type === ComponentType.ChannelSelect && raw.channel_types !== undefined) {
        if (!Array.isArray(raw.channel_types) || !raw.channel_types.every((t) => Number.isInteger(t))) this.errors.add([...path, 'channel_types'], 'BASE_TYPE_ARRAY', 'Must be an array of channel types.');
        else out.channel_types = raw.channel_types;
      }
      if (raw.default_values !== undefined) out.default_values = this.defaults(raw.default_values, [...path, 'default_values'], type, min, max);
    }
    return out;
  }

  private options(raw: unknown, path: Path, max: number): Obj[] {
    if (!Array.isArray(raw)) {
      this.errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return [];
    }
    if (raw.length < 1) this.errors.add(path, 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    if (raw.length > 25) this.errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    if (raw.length >= 1 && max > raw.length) this.errors.add([...path.slice(0, -1), 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_TOO_HIGH', 'max_values must be less than or equal to the number of options');
    const values = new Set<string>();
    return raw.slice(0, 25).map((o: unknown, i) => {
      const at = [...path, i];
      const out: Obj = {};
      if (!isObj(o)) {
        this.errors.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
        return out;
      }
      for (const key of ['label', 'value'] as const) {
        if (o[key] === undefined) this.errors.add([...at, key], 'BASE_TYPE_REQUIRED', 'This field is required');
        else this.string(o, out, key, at, 1, 100);
      }
      this.string(o, out, 'description', at, 0, 100);
      this.emoji(o, out, at);
      this.bool(o, out, 'default', at);
      if (typeof out.value === 'string') {
        if (values.has(out.value)) this.errors.add([...at, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Select option values must be unique');
        values.add(out.value);
      }
      return out;
    });
  }

  private defaults(raw: unknown, path: Path, type: number, min: number, max: number): Obj[] {
    if (!Array.isArray(raw)) {
      this.errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
      return [];
    }
    if (raw.length < min || raw.length > max) this.errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    return raw.map((d: unknown, i) => {
      const ok = isObj(d) && typeof d.id === 'string' && /^\d{1,20}$/.test(d.id) && (DEFAULT_TYPES[type] ?? []).includes(d.type as string);
      if (!ok) this.errors.add([...path, i], 'BASE_TYPE_INVALID', `Must be {id, type} with type one of (${(DEFAULT_TYPES[type] ?? []).join(', ')}).`);
      return ok ? { id: d.id, type: d.type } : {};
    });
  }

  private customId(raw: Obj, out: Component, path: Path): void {
    if (raw.custom_id === undefined) return void this.errors.add([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'A custom id is required');
    this.string(raw, out, 'custom_id', path, 1, 100);
    if (typeof out.custom_id !== 'string') return;
    if (this.customIds.has(out.custom_id)) this.errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    this.customIds.add(out.custom_id);
  }

  private id(raw: Obj, path: Path): number {
    if (raw.id === undefined || raw.id === null) {
      while (this.ids.has(this.nextId)) this.nextId++;
      this.ids.add(this.nextId);
      return this.nextId;
    }
    if (!Number.isInteger(raw.id) || (raw.id as number) < 0 || (raw.id as number) > 2 ** 31 - 1) this.errors.add([...path, 'id'], 'NUMBER_TYPE_COERCE', `Value "${String(raw.id)}" is not int.`);
    return raw.id as number;
  }

  private notInteractive(path: Path): void {
    this.errors.add(path, 'COMPONENT_INTERACTIVE_NOT_ALLOWED', 'Only link buttons may be sent by a webhook that no application owns');
  }

  private emoji(raw: Obj, out: Obj, path: Path): void {
    const e = raw.emoji;
    if (e === undefined || e === null) return;
    if (!isObj(e) || (typeof e.id !== 'string' && typeof e.name !== 'string')) return void this.errors.add([...path, 'emoji'], 'BASE_TYPE_INVALID', 'Invalid emoji');
    out.emoji = { ...(typeof e.id === 'string' ? { id: e.id } : {}), ...(typeof e.name === 'string' ? { name: e.name } : {}), ...(e.animated === true ? { animated: true } : {}) };
  }

  private string(raw: Obj, out: Obj, key: string, path: Path, min: number, max: number): void {
    const v = raw[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'string') return void this.errors.add([...path, key], 'BASE_TYPE_STRING', `Could not interpret "${JSON.stringify(v)}" as string.`);
    if (v.length < min || v.length > max) return void this.errors.add([...path, key], 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    out[key] = v;
  }

  private int(raw: Obj, key: string, path: Path, min: number, max: number): number | undefined {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Number.isInteger(v)) return void this.errors.add([...path, key], 'NUMBER_TYPE_COERCE', `Value "${String(v)}" is not int.`);
    if ((v as number) < min) return void this.errors.add([...path, key], 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
    if ((v as number) > max) return void this.errors.add([...path, key], 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
    return v as number;
  }

  private bool(raw: Obj, out: Obj, key: string, path: Path): void {
    const v = raw[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'boolean') return void this.errors.add([...path, key], 'BASE_TYPE_BOOLEAN', `Could not interpret "${String(v)}" as boolean.`);
    out[key] = v;
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
